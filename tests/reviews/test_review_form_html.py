"""The review form draws its radio buttons with a macro (a tenth of the cost of WTForms' subfield and
widget per option), and the HTML is what WTForms draws: same ids, names, values, labels, checks."""

from werkzeug.datastructures import MultiDict

from portal.reviews.forms import review_form_class


def _as_wtforms_draws(field) -> str:
    return "".join(f'<div class="form-check">{option(class_="form-check-input")} '
                   f'{option.label(class_="form-check-label")}</div>' for option in field)


def _radios_of(app, call, formdata: dict) -> dict[str, str]:
    with app.test_request_context():
        form = review_form_class(call)(formdata=MultiDict(formdata), meta={"csrf": False})
        return {field.name: _as_wtforms_draws(field) for field in form if field.type == "RadioField"}


def test_the_radios_are_drawn_as_wtforms_draws_them(app, client, forms, login_as, assigned):
    assignment = assigned()
    call = assignment.application.call
    login_as(assignment.reviewer)
    url = f"/reviews/{assignment.id}"
    score = f"score_{call.criteria[0].id}"

    html = client.get(url).get_data(as_text=True)  # nothing chosen yet
    expected = _radios_of(app, call, {})
    assert sorted(expected) == ["confidence", "recommendation", score]
    assert [html.count(drawn) for drawn in expected.values()] == [1, 1, 1]

    saved = {"version": "0", score: "4", "comments": "Solid", "recommendation": "support",
             "confidence": "2", "save": "1"}
    assert forms.post(url, saved).status_code == 302
    html = client.get(url).get_data(as_text=True)  # the draft's choices are checked
    expected = _radios_of(app, call, saved)
    assert [html.count(drawn) for drawn in expected.values()] == [1, 1, 1]
    assert html.count(" checked ") == 3

    refused = {"version": "1", score: "9", "comments": "", "recommendation": "oppose",
               "confidence": "5", "save": "1"}  # outside the scale: the page again, with the error
    html = forms.post(url, refused).get_data(as_text=True)
    assert f'aria-describedby="{score}-error"' in html
    assert [html.count(drawn) for drawn in _radios_of(app, call, refused).values()] == [1, 1, 1]
