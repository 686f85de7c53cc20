"""`flask --app wsgi …` commands, one module per group."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.commands.api_tokens import api_token_cli
    from portal.commands.demo import demo_command
    from portal.commands.followup import followup_cli
    from portal.commands.imports import import_cli
    from portal.commands.inbound import inbound_cli
    from portal.commands.lifecycle import lifecycle_cli
    from portal.commands.outbox import outbox_cli
    from portal.commands.prestashop import poll_command
    from portal.commands.refunds import refunds_cli
    from portal.commands.relay_points import relay_points_cli
    from portal.commands.returns import carrier_cli, labels_cli, returns_cli
    from portal.commands.shops import shop_cli
    from portal.commands.staff import staff_cli
    from portal.commands.tracking_poll import tracking_cli

    shop_cli.add_command(poll_command)

    for command in (
        api_token_cli,
        demo_command,
        import_cli,
        inbound_cli,
        outbox_cli,
        refunds_cli,
        relay_points_cli,
        staff_cli,
        returns_cli,
        labels_cli,
        carrier_cli,
        tracking_cli,
        lifecycle_cli,
        shop_cli,
        followup_cli,
    ):
        app.cli.add_command(command)
