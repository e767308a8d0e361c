import { registry } from "@web/core/registry";

// Values checked again in Python by customer_feedback/tests/test_ui_portal_tour.py.
const TICKET_TITLE = "CF portal tour ticket";
const REPLY = "CF portal tour reply: the pump still leaks a little.";
const CATEGORY = "CF Portal Tour Category";
const NEW_TITLE = "CF portal tour new feedback";
const NEW_DESCRIPTION = "CF portal tour: the opening hours on the website are wrong.";

registry.category("web_tour.tours").add("customer_feedback_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "the portal home shows the Feedback entry once its counter is loaded",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/feedback']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "open the ticket from My Feedback",
            trigger: `tr.o_feedback_portal_row a:contains(${TICKET_TITLE})`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the ticket shows the date the company promised",
            trigger: `.o_feedback_portal_ticket:has(h3:contains(${TICKET_TITLE})) .o_feedback_portal_promise`,
        },
        {
            content: "write a reply in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: `edit ${REPLY}`,
        },
        {
            content: "send the reply",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "the reply is in the chatter",
            trigger: `#chatterRoot:shadow .o-mail-Message-body:contains(${REPLY})`,
        },
        {
            content: "back to My Feedback",
            trigger: ".o_portal_submenu a[href='/my/feedback']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "start a new feedback",
            trigger: "a.o_feedback_portal_new",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the kind of feedback",
            trigger: "form.o_feedback_portal_form select[name=kind]",
            run: "select suggestion",
        },
        {
            content: "what it is about",
            trigger: "form.o_feedback_portal_form select[name=category_id]",
            run: `selectByLabel ${CATEGORY}`,
        },
        {
            content: "the subject",
            trigger: "form.o_feedback_portal_form input[name=title]",
            run: `edit ${NEW_TITLE}`,
        },
        {
            content: "the description",
            trigger: "form.o_feedback_portal_form textarea[name=description]",
            run: `edit ${NEW_DESCRIPTION}`,
        },
        {
            content: "send the feedback",
            trigger: "form.o_feedback_portal_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the new ticket is shown with a thank-you note",
            trigger: `.alert-success:contains(Thank you!) ~ .o_feedback_portal_ticket h3:contains(${NEW_TITLE})`,
        },
    ],
});
