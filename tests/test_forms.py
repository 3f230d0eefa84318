"""Form pieces every area shares."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField

from lms.forms import NumberRange


class SeatsForm(FlaskForm):
    class Meta:
        csrf = False

    seats = IntegerField(validators=[NumberRange(min=1, max=100)])


def test_a_number_too_large_for_a_float_is_out_of_range_not_a_server_error(app) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = SeatsForm(MultiDict({"seats": "9" * 400}))
        assert not form.validate()
        assert form.seats.errors == ["Number must be between 1 and 100."]
        assert form.seats.data == int("9" * 400)  # left as it was sent


def test_numbers_in_and_out_of_range_are_judged_as_before(app) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert SeatsForm(MultiDict({"seats": "100"})).validate()
        assert not SeatsForm(MultiDict({"seats": "0"})).validate()
        assert not SeatsForm(MultiDict({"seats": "-" + "9" * 400})).validate()
