"""The GraphQL documents the Shopify connector sends (docs/shops.md cites each)."""

GIFT_CARD_CREATE = """
mutation giftCardCreate($input: GiftCardCreateInput!) {
  giftCardCreate(input: $input) {
    giftCard { id initialValue { amount currencyCode } }
    giftCardCode
    userErrors { field message code }
  }
}
"""

DRAFT_FIND = """
query draftOrders($query: String!) {
  draftOrders(first: 1, query: $query) {
    edges { node { id name status order { id name } } }
  }
}
"""

DRAFT_CREATE = """
mutation draftOrderCreate($input: DraftOrderInput!) {
  draftOrderCreate(input: $input) {
    draftOrder { id name status order { id name } }
    userErrors { field message }
  }
}
"""

DRAFT_COMPLETE = """
mutation draftOrderComplete($id: ID!) {
  draftOrderComplete(id: $id) {
    draftOrder { id name status order { id name } }
    userErrors { field message }
  }
}
"""

DRAFT_DELETE = """
mutation draftOrderDelete($input: DraftOrderDeleteInput!) {
  draftOrderDelete(input: $input) {
    deletedId
    userErrors { field message }
  }
}
"""

VARIANT_BY_SKU = """
query productVariants($query: String!) {
  productVariants(first: 1, query: $query) {
    edges { node { id sku } }
  }
}
"""

# The stock levels the sync reconciles our cache from (shopify_stock.py): every variant, a
# page at a time, with what Shopify can still sell of it and whether it tracks it at all.
STOCK_PAGE = """
query productVariants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes { id sku inventoryQuantity inventoryItem { tracked } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
