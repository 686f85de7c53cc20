"""Return label and gift receipt PDFs from plain data (ReportLab; no Flask, no database)."""

from labels.data import (
    Address,
    GiftReceiptData,
    GiftReceiptLine,
    LabelData,
    LabelItem,
    RelayPointInfo,
)
from labels.gift_receipt import render_gift_receipt
from labels.label import render_label
from labels.slip import ReturnSlipData, ReturnSlipLine, render_return_slip

__all__ = [
    "Address",
    "GiftReceiptData",
    "GiftReceiptLine",
    "LabelData",
    "LabelItem",
    "RelayPointInfo",
    "ReturnSlipData",
    "ReturnSlipLine",
    "render_gift_receipt",
    "render_label",
    "render_return_slip",
]
