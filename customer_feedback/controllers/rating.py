from werkzeug.exceptions import NotFound

from odoo.addons.rating.controllers.main import Rating


class FeedbackRating(Rating):
    """Odoo's one-click rating links (``/rate/<token>/...``): the link of a
    ticket's rating stops working once the customer may no longer change
    the rating (``rating.rating._feedback_rating_locked``)."""

    def _get_rating_and_record(self, token):
        rating_sudo, record_sudo = super()._get_rating_and_record(token)
        if rating_sudo._feedback_rating_locked():
            raise NotFound()
        return rating_sudo, record_sudo
