"""The returns policy and FAQ, generated from config."""

from datetime import date

from flask import render_template
from flask_babel import format_date

from portal.customer.blueprint import bp
from portal.services.policy import current_policy


@bp.get("/policy")
def policy():
    p = current_policy()
    year = date.today().year
    season = {
        "start": format_date(date(year, *p.season_start), "d MMMM"),
        "end": format_date(date(year, *p.season_end), "d MMMM"),
        "until": format_date(date(year, *p.holiday_until), "d MMMM"),
    }
    return render_template("customer/policy.html", policy=p, season=season)
