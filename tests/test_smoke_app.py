from tests.conftest import login


def test_login_and_dashboard(client, make):
    root = make.unit("JX")
    make.user("org", unit=root)
    make.event("E1", organizers=[root])
    from app.extensions import db
    db.session.commit()
    login(client, "org")
    page = client.get("/")
    assert page.status_code == 200
    assert "E1" in page.get_data(as_text=True)
