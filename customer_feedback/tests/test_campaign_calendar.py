"""A year of survey campaign rounds: the calendar and the cool-down.

The cron is run at each due date (an hour late, as a cron is), with the
clock frozen there, and every round must reach every eligible customer:
a monthly campaign with the default 30-day cool-down must still invite
everyone in March, 28 days after February's round.
"""

from datetime import datetime, timedelta
from itertools import pairwise

from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import FeedbackCommon

CRON_DELAY = timedelta(hours=1)


def dates(*days, hour=8):
    return [datetime(year, month, day, hour) for year, month, day in days]


# Monthly from the 31st: the last day of each shorter month, never drifting
# to the 28th after February (2028 is a leap year).
MONTHLY_FROM_31ST = dates(
    (2027, 1, 31), (2027, 2, 28), (2027, 3, 31), (2027, 4, 30), (2027, 5, 31),
    (2027, 6, 30), (2027, 7, 31), (2027, 8, 31), (2027, 9, 30), (2027, 10, 31),
    (2027, 11, 30), (2027, 12, 31), (2028, 1, 31), (2028, 2, 29), (2028, 3, 31),
)
MONTHLY_FROM_28TH = dates(*[(2027, month, 28) for month in range(1, 13)], (2028, 1, 28))


@tagged("post_install", "-at_install")
class TestCampaignCalendar(FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Campaign = env["customer.feedback.survey.campaign"]
        cls.Satisfaction = env["customer.feedback.satisfaction"]
        cls.survey = env.ref("customer_feedback.survey_customer_satisfaction")
        # only the campaigns of these tests run
        cls.Campaign.search([]).active = False
        cls.segment = env["customer.feedback.segment"].create({"name": "CF Calendar Seg"})
        cls.customers = env["res.partner"].create([
            {"name": f"CF Calendar {i}", "email": f"calendar{i}@cf-cal.example.com",
             "feedback_segment_id": cls.segment.id}
            for i in range(1, 4)
        ])
        cls.c1, cls.c2, cls.c3 = cls.customers

    def _campaign(self, start, interval="monthly", **values):
        return self.Campaign.create({
            "name": "CF Calendar campaign",
            "survey_id": self.survey.id,
            "partner_domain": f"[('feedback_segment_id', '=', {self.segment.id})]",
            "interval": interval,
            "next_run_date": start,
            "cooldown_days": 30,
            "company_id": self.company_a.id,
            **values,
        })

    def _sent(self, campaign):
        return self.Satisfaction.search([("campaign_id", "=", campaign.id)])

    def _cron_at(self, moment, campaign):
        """Run the cron at ``moment``; the invitations it sent for ``campaign``."""
        before = self._sent(campaign)
        with freeze_time(moment):
            self.Campaign._cron_run_campaigns()
        return self._sent(campaign) - before

    def _assert_year(self, campaign, due_dates, expected=None):
        """Run the cron at each due date; each round invites ``expected``
        (default every customer) once and plans the next due date."""
        self.assertEqual(campaign.next_run_date, due_dates[0])
        for due, following in pairwise(due_dates):
            with self.subTest(due=due):
                # not due an hour before: nobody
                self.assertFalse(self._cron_at(due - CRON_DELAY, campaign))
                sent = self._cron_at(due + CRON_DELAY, campaign)
                self.assertEqual(sent.partner_id, expected or self.customers)
                self.assertEqual(len(sent), len(expected or self.customers), "once each")
                self.assertEqual(campaign.next_run_date, following)

    def test_monthly_from_31st_every_round_reaches_everyone(self):
        campaign = self._campaign(MONTHLY_FROM_31ST[0])
        self._assert_year(campaign, MONTHLY_FROM_31ST)
        self.assertEqual(len(self._sent(campaign)), 3 * (len(MONTHLY_FROM_31ST) - 1))

    def test_monthly_march_after_28_days_of_february(self):
        """The issue's case: 28 February then 28 March, 30-day cool-down."""
        campaign = self._campaign(MONTHLY_FROM_28TH[0])
        self._assert_year(campaign, MONTHLY_FROM_28TH)

    def test_biweekly_every_14_days_despite_30_day_cooldown(self):
        start = datetime(2027, 1, 4, 8)
        due_dates = [start + timedelta(days=14 * n) for n in range(28)]
        campaign = self._campaign(start, interval="biweekly")
        self._assert_year(campaign, due_dates)

    def test_cooldown_skips_other_invitations_for_one_round_only(self):
        """Another questionnaire within the cool-down skips the customer in
        this round; the next round reaches them again."""
        campaign = self._campaign(MONTHLY_FROM_31ST[0])
        rounds = pairwise(MONTHLY_FROM_31ST)
        for due, _following in [next(rounds) for _i in range(3)]:
            self.assertEqual(self._cron_at(due + CRON_DELAY, campaign).partner_id, self.customers)
        # 21 April: c3 gets a ticket's questionnaire (no campaign)
        with freeze_time(datetime(2027, 4, 21, 10)):
            self.Satisfaction._invite(self.survey, self.c3)
        due, _following = next(rounds)  # 30 April
        self.assertEqual(self._cron_at(due + CRON_DELAY, campaign).partner_id, self.c1 + self.c2)
        due, _following = next(rounds)  # 31 May: 40 days later
        self.assertEqual(self._cron_at(due + CRON_DELAY, campaign).partner_id, self.customers)
        # a date recorded on the contact (an import) counts as well
        self.c2.feedback_last_survey_date = datetime(2027, 6, 20)
        due, _following = next(rounds)  # 30 June
        self.assertEqual(self._cron_at(due + CRON_DELAY, campaign).partner_id, self.c1 + self.c3)
        due, _following = next(rounds)  # 31 July
        self.assertEqual(self._cron_at(due + CRON_DELAY, campaign).partner_id, self.customers)

    def test_two_campaigns_on_one_segment(self):
        """The cool-down still protects customers from a second campaign."""
        monthly = self._campaign(MONTHLY_FROM_31ST[0])
        other = self._campaign(datetime(2027, 2, 10, 8), name="CF Other campaign")
        self.assertEqual(self._cron_at(MONTHLY_FROM_31ST[0] + CRON_DELAY, monthly).partner_id,
                         self.customers)
        # 10 February: ten days after the monthly campaign's round
        self.assertFalse(self._cron_at(datetime(2027, 2, 10, 9), other))
        self.assertEqual(other.next_run_date, datetime(2027, 3, 10, 8))
        # 28 February: the monthly campaign's own round is not held back
        self.assertEqual(self._cron_at(MONTHLY_FROM_31ST[1] + CRON_DELAY, monthly).partner_id,
                         self.customers)

    def test_rerun_and_send_now_do_not_invite_twice_in_a_round(self):
        campaign = self._campaign(MONTHLY_FROM_31ST[0])
        moment = MONTHLY_FROM_31ST[0] + CRON_DELAY
        self.assertEqual(self._cron_at(moment, campaign).partner_id, self.customers)
        # the date set back by hand: the round is the same, nobody twice
        campaign.next_run_date = MONTHLY_FROM_31ST[0]
        self.assertFalse(self._cron_at(moment + timedelta(minutes=5), campaign))
        self.assertEqual(campaign.next_run_date, MONTHLY_FROM_31ST[1])
        # a customer joins the segment; a manager sends now: only the newcomer
        newcomer = self.env["res.partner"].create({
            "name": "CF Calendar Newcomer", "email": "newcomer@cf-cal.example.com",
            "feedback_segment_id": self.segment.id,
        })
        before = self._sent(campaign)
        with freeze_time(datetime(2027, 2, 10, 9)):
            campaign.with_user(self.manager).action_send_now()
        self.assertEqual((self._sent(campaign) - before).partner_id, newcomer)
        self.assertEqual(campaign.next_run_date, MONTHLY_FROM_31ST[1], "schedule unchanged")
        # the next round reaches everyone, the newcomer too
        sent = self._cron_at(MONTHLY_FROM_31ST[1] + CRON_DELAY, campaign)
        self.assertEqual(sent.partner_id, self.customers + newcomer)

    def test_missed_rounds_send_the_latest_once_and_keep_the_day(self):
        """The cron did not run for two months: one round now, and the
        calendar keeps the 31st."""
        campaign = self._campaign(MONTHLY_FROM_31ST[0])
        self._cron_at(MONTHLY_FROM_31ST[0] + CRON_DELAY, campaign)
        sent = self._cron_at(datetime(2027, 4, 2, 9), campaign)
        self.assertEqual(sent.partner_id, self.customers)
        self.assertEqual(len(sent), 3)
        self.assertEqual(campaign.next_run_date, MONTHLY_FROM_31ST[3])  # 30 April
        self.assertEqual(self._cron_at(MONTHLY_FROM_31ST[3] + CRON_DELAY, campaign).partner_id,
                         self.customers)
        self.assertEqual(campaign.next_run_date, MONTHLY_FROM_31ST[4])  # 31 May

    def test_date_or_interval_set_by_hand_restarts_the_calendar(self):
        campaign = self._campaign(MONTHLY_FROM_31ST[0])
        campaign.with_user(self.manager).next_run_date = datetime(2027, 3, 15, 8)
        self._cron_at(datetime(2027, 3, 15, 9), campaign)
        self.assertEqual(campaign.next_run_date, datetime(2027, 4, 15, 8))
        campaign.with_user(self.manager).interval = "biweekly"
        self._cron_at(datetime(2027, 4, 15, 9), campaign)
        self.assertEqual(campaign.next_run_date, datetime(2027, 4, 29, 8))
