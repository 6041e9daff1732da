"""Browser: a POST form is sent once however often it is clicked (app.js); searches and htmx forms are not
held back."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Two submit events on the same form, as two quick clicks give: whether each was let through.
TWO_SUBMITS = """
(attributes) => {
  const form = document.createElement("form");
  for (const [name, value] of Object.entries(attributes)) form.setAttribute(name, value);
  document.body.appendChild(form);
  const send = () => form.dispatchEvent(new Event("submit", {bubbles: true, cancelable: true}));
  return [send(), send()];
}
"""


def test_a_post_form_is_sent_once_and_searches_are_not_held_back(page: Any, live_server: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.evaluate(TWO_SUBMITS, {"method": "post", "action": "/x/"}) == [True, False]
    assert page.evaluate(TWO_SUBMITS, {"method": "get", "action": "/persons/"}) == [True, True]
    assert page.evaluate(TWO_SUBMITS, {"method": "post", "hx-post": "/persons/"}) == [True, True]
    # After a while (a download leaves the page as it was) the form may be sent again.
    held = page.evaluate(
        """async () => {
          const form = document.createElement("form");
          form.setAttribute("method", "post");
          document.body.appendChild(form);
          const send = () => form.dispatchEvent(new Event("submit", {bubbles: true, cancelable: true}));
          send();
          await new Promise((resolve) => setTimeout(resolve, 5200));
          return send();
        }"""
    )
    assert held is True
