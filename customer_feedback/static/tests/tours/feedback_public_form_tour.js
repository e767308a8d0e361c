import { registry } from "@web/core/registry";

// Values checked again in Python by customer_feedback/tests/test_ui_public_form_tour.py.
const VISITOR_NAME = "Lê Thị Hồng Nhung";
const VISITOR_EMAIL = "hong.nhung@cf-tour.example.com";
const VISITOR_PHONE = "+84 913 000 472";
const MESSAGE = "Nhân viên cửa hàng Quận 3 rất nhiệt tình, cảm ơn quý công ty!";
const FILE_NAME = "loi-cam-on.txt";
const FILE_TEXT = "Xin chân thành cảm ơn.";

registry.category("web_tour.tours").add("customer_feedback_public_form_tour", {
    url: "/feedback",
    steps: () => [
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
            content: "the visitor's phone",
            trigger: ".o_feedback_public_form input[name=phone]",
            run: `edit ${VISITOR_PHONE}`,
        },
        {
            content: "the kind of feedback: praise",
            trigger: ".o_feedback_public_form select[name=kind]",
            run: "select praise",
        },
        {
            content: "the message",
            trigger: ".o_feedback_public_form textarea[name=message]",
            run: `edit ${MESSAGE}`,
        },
        {
            content: "a file, as chosen in the file dialog",
            trigger: ".o_feedback_public_form input[name=attachments]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(new File([FILE_TEXT], FILE_NAME, { type: "text/plain" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
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
