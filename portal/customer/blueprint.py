from flask import Blueprint

bp = Blueprint("customer", __name__)
