"""The access matrix through the portal and public routes (issue 14).

The ticket's "read" row of test_access_matrix.MATRIX says who may see a
ticket; these tests ask the same of the web pages a customer or an employee
opens, logged in as each profile over real HTTP: the ticket's page, the
portal list, and (with customer_feedback_reports) the printed slip. A page
that shows a ticket to a profile the matrix refuses fails here, and so does
a page that hides it from a profile the matrix allows.
"""

from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from .common import FeedbackCommon, RequiresHttpServer
from .test_access_matrix import MATRIX, expected_rights, profile_users

# the routes that show one ticket, and whether the page names it
TICKET_ROUTES = {
    "detail": "/my/feedback/{id}",
    "list": "/my/feedback",
}
SLIP_ROUTE = "/my/feedback/{id}/slip"


@tagged("post_install", "-at_install")
class TestAccessMatrixRoutes(RequiresHttpServer, HttpCase, FeedbackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = profile_users(cls)
        cls.company_a.feedback_portal_share_commercial = False
        cls.ticket = cls._create_ticket(
            title="CF route matrix ticket", category_id=cls.cat_a.id,
            partner_id=cls.portal_user.partner_id.id, company_id=cls.company_a.id,
        )
        cls.rights = expected_rights(MATRIX["customer.feedback.ticket"])["read"]

    def _as(self, profile):
        self.company_a.feedback_portal_share_commercial = profile == "colleague_shared"
        self.env.flush_all()
        if profile == "anonymous":
            self.authenticate(None, None)
        else:
            self.authenticate(self.users[profile].login, self.users[profile].login)

    def _shown(self, url):
        """Whether the page at ``url`` shows the ticket (its title)."""
        response = self.url_open(url)
        if self.ticket.title in response.text:
            self.assertEqual(response.status_code, 200)
            return True
        # refused: a redirection (portal home, login) or an error status
        self.assertTrue(
            response.status_code in (403, 404)
            or urlsplit(response.url).path in ("/my", "/my/home", "/web/login", url),
            f"{url}: {response.status_code} {response.url}",
        )
        return False

    def test_ticket_pages_follow_the_matrix(self):
        differences = []
        for profile, allowed in self.rights.items():
            self._as(profile)
            for route, url in TICKET_ROUTES.items():
                shown = self._shown(url.format(id=self.ticket.id))
                if shown != allowed:
                    differences.append(f"{route} by {profile}: shown={shown}")
        self.assertFalse(differences, "pages differ from the matrix:\n" + "\n".join(differences))

    def test_printed_slip_follows_the_matrix(self):
        if "customer.feedback.report" not in self.env:
            self.skipTest("customer_feedback_reports is not installed")
        differences = []
        url = SLIP_ROUTE.format(id=self.ticket.id)
        for profile, allowed in self.rights.items():
            self._as(profile)
            response = self.url_open(url)
            printed = response.headers.get("Content-Type", "").startswith("application/pdf")
            if printed != allowed:
                differences.append(f"slip by {profile}: printed={printed}")
        self.assertFalse(differences, "the slip differs:\n" + "\n".join(differences))
