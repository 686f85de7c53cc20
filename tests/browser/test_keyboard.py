"""Keyboard only: the lookup form can be filled and sent without a mouse."""


def test_lookup_with_the_keyboard_only(page, live_server):
    page.goto(live_server + "/")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "number"  # the first field has focus on arrival
    page.keyboard.type("FR-10001")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "contact"
    page.keyboard.type("camille.martin@example.fr")
    page.keyboard.press("Enter")
    page.wait_for_url("**/return/items")
    for _ in range(10):  # header links, then the first item's quantity
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id").endswith("-quantity"):
            break
    else:
        raise AssertionError("the first item's quantity cannot be reached with Tab")
    page.keyboard.press("ArrowDown")  # a closed <select> changes value with the arrows
    assert page.evaluate("document.activeElement.value") == "1"
