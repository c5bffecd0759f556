"""Daily use in a real browser (headless Chromium), as each role: the screen after login, the
to-do counter, the phone, two clerks on one document, a wrong file chosen, and every screen of
the app in Vietnamese with none of the English that slipped through before."""

import base64
import json
import re

from lxml import html

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PDF_BYTES

# English that reached Vietnamese users before (Odoo's own terms not loaded, Odoo's messages
# where ours belong), and a few of our own that a missing translation would show.
ENGLISH = [
    "Apps",
    "Employees",
    "Missing required fields",
    "Invalid fields",
    "Another model is using the record",
    "troublemaker",
    "Odoo Warning",
    "Waiting for Me",
    "Outgoing Documents",
    "My Documents",
    "Head Review",
    "Director Review",
]

# Odoo's own English on the login page before (Odoo 19's Vietnamese leaves them out or in
# English), and what it shows only when anyone may sign up.
LOGIN_ENGLISH = [
    "Email",
    "Enter your email",
    "Enter your password",
    "Your logo",
    "Log in",
    "Password",
    "Don't have an account",
]

# A Vietnamese drafter saves a new document with its required fields empty, then opens a
# many2one's dropdown; a Vietnamese clerk presses Issue (a confirmation). Each place must show
# the Vietnamese and not the English that Odoo 19 showed there.
WEB_CLIENT_CHECK = """(async () => {
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const waitFor = async (selector) => {
        for (let i = 0; i < 100; i++) {
            const element = document.querySelector(selector);
            if (element) return element;
            await wait(100);
        }
        throw new Error(`nothing matches ${selector}`);
    };
    const problems = [];
    const look = (where, element, english, vietnamese) => {
        const text = element.innerText;
        if (english.test(text) || !text.includes(vietnamese)) {
            problems.push(`${where}: "${text.trim().slice(0, 200)}"`);
        }
    };
    for (const [where, press, shown, english, vietnamese] of STEPS) {
        (await waitFor(press)).click();
        look(where, await waitFor(shown), new RegExp(english), vietnamese);
    }
    if (problems.length) {
        console.error(`English on: ${problems.join("; ")}`);
    } else {
        console.log("test successful");
    }
})();
"""

# Opens every screen in turn inside one page (the web client's action service, as a menu
# click does) and, on each, the app list too ("Apps", "Employees" were English there); fails
# naming each screen where one of the words shows.
SCREENS_CHECK = """(async () => {
    const english = ENGLISH_WORDS;
    const screens = SCREENS;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const env = odoo.__WOWL_DEBUG__.root.env;
    const problems = [];
    const check = async (label) => {
        for (let i = 0; i < 100; i++) {
            if (document.querySelector(".o_action_manager .o_view_controller")) break;
            await wait(100);
        }
        const apps = document.querySelector(".o_navbar_apps_menu button");
        apps?.click();
        await wait(400);
        const text = document.body.innerText;
        const found = english.filter((w) => new RegExp(`\\\\b${w}\\\\b`).test(text));
        // Years with a thousands separator ("2.026") and dates without their year ("2 thg 12").
        for (const pattern of [/\\b2\\.0\\d\\d\\b/, /\\b\\d{1,2} thg \\d{1,2}\\b(?!,? \\d{4})/]) {
            const match = text.match(pattern);
            if (match) {
                found.push(match[0]);
            }
        }
        if (found.length) {
            problems.push(`${label}: ${found.join(", ")}`);
        }
        apps?.click();
    };
    await check("the landing screen");
    for (const [action, label] of screens) {
        await env.services.action.doAction(action, { clearBreadcrumbs: true });
        await wait(300);
        await check(label);
    }
    if (problems.length) {
        console.error(`English on: ${problems.join("; ")}`);
    } else {
        console.log("test successful");
    }
})();
"""


class DailyCase(HttpCase):
    """Five officials of one organisation and one document waiting for each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.write({"snn_org_code": "SNN"})
        if "snn_esign_trial_date" in company._fields:
            # Issued on paper: this is about the screens; signing has its own browser tests.
            company.write(
                {"snn_esign_trial_date": "2099-01-01", "snn_esign_mandatory_date": "2099-06-01"}
            )
        g = "snn_docflow.group_"
        roles = {
            "daily_drafter": "drafter",
            "daily_head": "head",
            "daily_director": "director",
            "daily_clerk": "clerk",
            "daily_clerk_b": "clerk",
            "daily_manager": "manager",
        }
        cls.users = {
            login: new_test_user(
                cls.env, login, f"{g}{role}", name=login.replace("_", " ").title(), lang="en_US"
            )
            for login, role in roles.items()
        }
        head = cls.env["hr.employee"].create(
            {"name": "Daily head", "user_id": cls.users["daily_head"].id}
        )
        cls.unit = cls.env["hr.department"].create(
            {"name": "Văn phòng (daily)", "snn_code": "VP", "manager_id": head.id}
        )
        register = cls.env["snn.register"].create({"name": "Sổ đi (daily)"})
        cls.letter = cls.env["snn.document.type"].create(
            {"name": "Công văn (daily)", "register_id": register.id}
        )
        cls.for_drafter = cls.make("Daily: for daily_drafter")
        cls.for_head = cls.walk(cls.make("Daily: for daily_head"), ["action_submit"])
        cls.for_director = cls.walk(
            cls.make("Daily: for daily_director"), ["action_submit", "action_forward"]
        )
        cls.for_clerk = cls.walk(
            cls.make("Daily: for daily_clerk"),
            ["action_submit", "action_forward", "action_approve"],
        )

    @classmethod
    def make(cls, subject):
        return (
            cls.env["snn.document"]
            .with_user(cls.users["daily_drafter"])
            .create(
                {
                    "subject": subject,
                    "document_type_id": cls.letter.id,
                    "department_id": cls.unit.id,
                    "signer_id": cls.users["daily_director"].id,
                    "file": base64.b64encode(PDF_BYTES),
                    "file_name": "daily.pdf",
                    "recipient_ids": [
                        Command.create({"partner_id": cls.env.company.partner_id.id})
                    ],
                }
            )
        )

    @classmethod
    def walk(cls, document, steps):
        people = {
            "action_submit": "daily_drafter",
            "action_forward": "daily_head",
            "action_approve": "daily_director",
            "action_issue": "daily_clerk",
        }
        for step in steps:
            getattr(document.with_user(cls.users[people[step]]), step)()
        return document.with_env(cls.env)


@tagged("post_install", "-at_install")
class TestUiDaily(DailyCase):
    def test_each_role_lands_on_its_queue(self):
        for login in ("daily_head", "daily_director", "daily_clerk"):
            with self.subTest(login=login):
                self.start_tour("/odoo", "snn_docflow_landing_waiting", login=login)
        self.start_tour("/odoo", "snn_docflow_landing_mine", login="daily_drafter")

    def test_the_todo_counter_opens_what_waits(self):
        self.start_tour("/odoo/discuss", "snn_docflow_systray_todo", login="daily_head")

    def test_two_clerks_the_second_is_told_and_sees_the_issued_document(self):
        document = self.walk(
            self.make("Daily: two clerks"), ["action_submit", "action_forward", "action_approve"]
        )
        self.start_tour("/odoo", "snn_docflow_conflict", login="daily_clerk")
        self.assertEqual(document.state, "issued")
        issued_by = document.approval_ids.filtered(lambda r: r.action == "issue").user_id
        self.assertEqual(issued_by, self.users["daily_clerk_b"], "one issue, by the first")

    def test_a_wrong_file_is_refused_when_chosen(self):
        self.start_tour("/odoo", "snn_docflow_wrong_upload", login="daily_drafter")
        self.assertEqual(base64.b64decode(self.for_drafter.file), PDF_BYTES)
        self.assertEqual(self.for_drafter.file_name, "daily.pdf")


@tagged("post_install", "-at_install")
class TestUiDailyPhone(DailyCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_on_a_phone_the_queue_comes_first(self):
        for login in ("daily_head", "daily_clerk"):
            with self.subTest(login=login):
                self.start_tour("/odoo", "snn_docflow_phone_queue", login=login)


@tagged("post_install", "-at_install")
class TestUiVietnamese(DailyCase):
    """Every screen of the app, as a Vietnamese manager, with Odoo's Vietnamese loaded as a
    Vietnamese database has it: none of the English words that slipped through before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        modules = cls.env["ir.module.module"].search([("state", "=", "installed")])
        modules._load_module_terms(modules.mapped("name"), ["vi_VN"])
        cls.users["daily_manager"].lang = "vi_VN"
        cls.users["daily_head"].lang = "vi_VN"
        cls.issued = cls.walk(
            cls.make("Daily: issued"),
            ["action_submit", "action_forward", "action_approve", "action_issue"],
        )

    def _screens(self):
        """(action, what) for every window action under the app's menu, and a record's form."""
        root = self.env.ref("snn_docflow.snn_document_menu_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        issued_form = {
            "type": "ir.actions.act_window",
            "res_model": "snn.document",
            "res_id": self.issued.id,
            "views": [[False, "form"]],
        }
        register_form = {
            "type": "ir.actions.act_window",
            "res_model": "snn.register",
            "res_id": self.issued.register_id.id,
            "views": [[False, "form"]],
        }
        screens = [(issued_form, "an issued document"), (register_form, "its register")]
        for menu in menus.filtered("action"):
            if menu.action._name == "ir.actions.act_window":
                screens.append((menu.action.id, menu.complete_name))
        return screens

    def test_every_screen_reads_in_vietnamese(self):
        screens = self._screens()
        # The app's own menus at least (other installed modules add theirs: reporting, …).
        own = {
            self.env.ref(f"snn_docflow.{menu}").action.id
            for menu in (
                "snn_document_menu_waiting",
                "snn_document_menu_mine",
                "snn_document_menu",
                "snn_document_menu_to_issue",
                "snn_register_menu",
                "snn_document_type_menu",
                "snn_approval_menu",
            )
        }
        walked = {action for action, _what in screens if isinstance(action, int)}
        self.assertLessEqual(own, walked, "every menu of the app")
        code = SCREENS_CHECK.replace("ENGLISH_WORDS", json.dumps(ENGLISH)).replace(
            "SCREENS", json.dumps(screens)
        )
        ready = "!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)"
        self.browser_js("/odoo", code, ready=ready, login="daily_manager", timeout=180)

    def test_the_login_page_reads_in_vietnamese_without_sign_up(self):
        # A first visit from a browser set to Vietnamese: no session yet, Chrome's header.
        self.opener.cookies.clear()
        response = self.url_open(
            "/web/login",
            headers={"Accept-Language": "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"},
        )
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        for hidden in page.xpath("//script | //style | //noscript"):
            hidden.drop_tree()
        shown = " ".join(
            [page.text_content(), *page.xpath("//@placeholder | //@title | //@aria-label")]
        )
        found = [w for w in LOGIN_ENGLISH if re.search(rf"\b{re.escape(w)}\b", shown)]
        self.assertFalse(found, f"English on the login page: {found}")
        self.assertIn("Mật khẩu", shown)
        self.assertFalse(page.xpath("//a[contains(@href, '/web/signup')]"), "a sign-up link")
        # The company has Odoo's placeholder ("Your logo") only: its name is shown instead.
        self.assertTrue(self.env.company.uses_default_logo)
        self.assertFalse(page.xpath("//img[contains(@src, '/web/binary/company_logo')]"))
        self.assertIn(self.env.company.name, shown)

    def test_odoo_own_words_read_in_vietnamese(self):
        for login in ("daily_drafter", "daily_clerk"):
            self.users[login].lang = "vi_VN"
        drafter_steps = [
            (
                "a new document saved with its required fields empty",
                ".o_form_view .o_form_button_save",
                ".o_notification",
                "Missing required fields",
                "Chưa nhập đủ các trường bắt buộc",
            ),
            (
                "a many2one's dropdown",
                ".o_field_widget[name=document_type_id] input",
                ".o_m2o_dropdown_option_search_more",
                "Search more",
                "Tìm thêm...",
            ),
        ]
        clerk_steps = [
            (
                "the confirmation of the issue",
                ".o_form_view button[name=action_issue]",
                ".modal .modal-footer",
                "\\bOk\\b",
                "Đồng ý",
            ),
        ]
        ready = "!!(odoo.__WOWL_DEBUG__ && odoo.__WOWL_DEBUG__.root)"
        for login, url, steps in (
            ("daily_drafter", "/odoo/action-snn_docflow.snn_document_action/new", drafter_steps),
            (
                "daily_clerk",
                f"/odoo/action-snn_docflow.snn_document_action/{self.for_clerk.id}",
                clerk_steps,
            ),
        ):
            with self.subTest(login=login):
                code = WEB_CLIENT_CHECK.replace("STEPS", json.dumps(steps))
                self.browser_js(url, code, ready=ready, login=login)
        self.assertEqual(self.for_clerk.state, "approved", "the issue was not confirmed")

    def test_refusals_read_in_vietnamese(self):
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action/{self.issued.id}",
            "snn_docflow_delete_refused_in_vietnamese",
            login="daily_manager",
        )
        self.assertTrue(self.issued.exists())
        self.start_tour(
            f"/odoo/action-snn_docflow.snn_document_action_waiting/{self.for_head.id}",
            "snn_docflow_return_without_reason_in_vietnamese",
            login="daily_head",
        )
        self.assertEqual(self.for_head.state, "head_review")
