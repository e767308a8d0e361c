import { registry } from "@web/core/registry";

// A Vietnamese visitor on the Vietnamese page; checked again in Python by
// customer_feedback/tests/test_ui_public_form_vi_tour.py.
const VISITOR_NAME = "Phạm Quốc Bảo";
const VISITOR_EMAIL = "quoc.bao@cf-tour-vi.example.com";
const MESSAGE = "Tủ hồ sơ giao đến bị móp một góc, mong công ty đổi giúp.";

registry.category("web_tour.tours").add("customer_feedback_public_form_vi_tour", {
    url: "/vi/feedback",
    steps: () => [
        {
            content: "the kinds of feedback are in Vietnamese",
            trigger: ".o_feedback_public_form select[name=kind]:has(option:contains(Khiếu nại))",
        },
        {
            content: "the visitor's name",
            trigger: ".o_feedback_public_form input[name=name]",
            run: `edit ${VISITOR_NAME}`,
        },
        {
            content: "the visitor's email",
            trigger: ".o_feedback_public_form input[name=email]",
            run: `edit ${VISITOR_EMAIL}`,
        },
        {
            content: "a complaint",
            trigger: ".o_feedback_public_form select[name=kind]",
            run: "select complaint",
        },
        {
            content: "the message",
            trigger: ".o_feedback_public_form textarea[name=message]",
            run: `edit ${MESSAGE}`,
        },
        {
            content: "send the feedback",
            trigger: ".o_feedback_public_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "the thanks page shows the reference of the new ticket",
            trigger: ".o_feedback_public_form_thanks .o_feedback_reference:contains(FB/)",
        },
    ],
});
