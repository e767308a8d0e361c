"""Ratings of feedback tickets: confidential like the tickets they rate.

Odoo lets every employee read (and write) every rating, with its access
token: the token of a ticket's rating is the customer's key to the one-click
rating link, so whoever reads it can rate as the customer.

- A ticket's rating is readable by those who may read the ticket (record
  rule on ``feedback_ticket_readable``, see security/customer_feedback_security.xml);
  it is written only by the customer's link (code running as superuser).
- Its ``access_token`` is readable by superuser code only; no one else may
  search, group or sort ratings by their token.
- The customer may change a rating they gave for
  ``customer_feedback.rating_change_days`` days (system parameter, 7 by
  default, 0: never); then the link stops working and the rating stays.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

TICKET_MODEL = "customer.feedback.ticket"
RATING_CHANGE_DAYS_PARAM = "customer_feedback.rating_change_days"
DEFAULT_RATING_CHANGE_DAYS = 7
# What the customer gives through the link; other writes (the message the
# rating is posted in, the rated agent) stay allowed on a locked rating.
CUSTOMER_FIELDS = frozenset({"rating", "feedback", "consumed"})


class RatingRating(models.Model):
    _inherit = "rating.rating"

    feedback_first_rated_on = fields.Datetime(
        "First Rated On", readonly=True, copy=False,
        help="When the customer first gave this rating: they may change it for a "
        "few days from then.",
    )
    feedback_ticket_readable = fields.Boolean(
        "Rated Ticket Readable", compute="_compute_feedback_ticket_readable",
        search="_search_feedback_ticket_readable",
        help="Technical: the rating is of a feedback ticket the current user may read.",
    )

    # ------------------------------------------------------------------
    # Access: the rules follow the ticket's
    # ------------------------------------------------------------------

    def _feedback_ticket_model(self):
        """The ticket model as the real user, or None if they may read no ticket.

        Record rules are applied in superuser mode; the ticket's rules are the
        real user's, hence ``with_user``.
        """
        Ticket = self.env[TICKET_MODEL].with_user(self.env.uid)
        return Ticket if Ticket.has_access("read") else None

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_feedback_ticket_readable(self):
        ticket_ratings = self.filtered(lambda rating: rating.res_model == TICKET_MODEL)
        Ticket = self._feedback_ticket_model() if ticket_ratings else None
        readable = set(
            Ticket.search([("id", "in", ticket_ratings.mapped("res_id"))]).ids
        ) if Ticket is not None else set()
        for rating in self:
            rating.feedback_ticket_readable = (
                rating.res_model == TICKET_MODEL and rating.res_id in readable
            )

    def _search_feedback_ticket_readable(self, operator, value):
        if operator != "in" or set(value) != {True}:
            return NotImplemented
        Ticket = self._feedback_ticket_model()
        if Ticket is None:
            return [("id", "in", [])]
        return [("res_model", "=", TICKET_MODEL), ("res_id", "in", Ticket._search([]))]

    def _has_field_access(self, field, operation):
        """The token of a ticket's rating is for superuser code only.

        Called on the ratings read (read, fetch, export) or on the empty model
        (search domains, grouping, ordering, fields_get): querying by token
        cannot be checked per rating and would reveal tokens (``=like``
        prefixes), so it is refused to non-superusers on all ratings.
        """
        if field.name != "access_token" or self.env.su:
            return super()._has_field_access(field, operation)
        # sudo: reading the rated model is needed to decide; it is not returned.
        if not self or TICKET_MODEL in self.sudo().mapped("res_model"):
            return False
        return super()._has_field_access(field, operation)

    # ------------------------------------------------------------------
    # Changing a rating: for a few days only
    # ------------------------------------------------------------------

    def write(self, vals):
        if CUSTOMER_FIELDS & set(vals):
            locked = self.filtered(lambda rating: rating._feedback_rating_locked())
            if locked:
                raise UserError(self.env._(
                    "This rating was given more than %(days)s days ago and can no "
                    "longer be changed.", days=self._feedback_rating_change_days(),
                ))
        newly_consumed = self.filtered(lambda rating: not rating.consumed) \
            if vals.get("consumed") else self.browse()
        if "consumed" in vals and not vals["consumed"]:
            vals = dict(vals, feedback_first_rated_on=False)
        result = super().write(vals)
        if newly_consumed:
            super(RatingRating, newly_consumed).write(
                {"feedback_first_rated_on": fields.Datetime.now()}
            )
        return result

    @api.model
    def _feedback_rating_change_days(self):
        # sudo: a technical setting, read for anyone rating
        value = self.env["ir.config_parameter"].sudo().get_param(RATING_CHANGE_DAYS_PARAM)
        try:
            return max(int(value), 0) if value else DEFAULT_RATING_CHANGE_DAYS
        except ValueError:
            return DEFAULT_RATING_CHANGE_DAYS

    def _feedback_rating_locked(self):
        """Whether the customer may no longer change this rating of a ticket:
        they gave it more than the allowed days ago (its link no longer works)."""
        self.ensure_one()
        if self.res_model != TICKET_MODEL or not self.consumed:
            return False
        first = self.feedback_first_rated_on or self.rated_on or self.write_date
        if not first:
            return False
        days = self._feedback_rating_change_days()
        return fields.Datetime.now() >= first + timedelta(days=days)
