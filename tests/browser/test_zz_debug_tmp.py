from amparo.accounts.roles import Role
from ..conftest import make_person
from .conftest import sign_in_by_cookie, MOBILE

def test_dbg(world, new_page, live_server):
    p = make_person(world.actor(Role.CASEWORKER))
    page = new_page(MOBILE)
    sign_in_by_cookie(page, world.user(Role.CASEWORKER), live_server.url)
    page.goto(f"/persons/{p.pk}/")
    print(page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 20)"""))
