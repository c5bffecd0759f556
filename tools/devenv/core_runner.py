"""`make test-core`: Odoo's own runner, changed to run every selected test after loading.

Run as `python -m devenv.core_runner <odoo arguments>` (tools/ on PYTHONPATH) instead of
`python -m odoo <odoo arguments>`: the same server, whose loader's make_suite is replaced so
that it returns nothing while modules load and every selected test, at_install and
post_install alike, once the whole registry (our overrides included) is loaded.

Why a monkeypatch, and why no other way exists in Odoo 19:
- Odoo runs a module's at_install tests inside the module loading (odoo/modules/loading.py,
  load_module_graph; also when nothing is installed or updated), right after that module, with
  only the modules loaded so far in the registry. A core module's at_install tests (base's
  TestUsers, TestCompany, TestIrAttachment...) so never see the overrides of res.users,
  res.company and ir.attachment that our modules add, which is what `make test-core` is for;
  on a database where everything is installed they even fail for want of the later modules'
  Python (plain `odoo --test-tags /base:TestCompany`: test_check_active creates a user while
  only base is loaded, and mail's NOT NULL column notification_type refuses it).
- --test-tags cannot move them: loader.make_suite keeps a test only if it matches the
  position ("at_install" or "post_install") AND the tags, and the post-install pass
  (odoo/service/server.py, preload_registries) asks for "post_install" only. `-u base` reloads
  base first as well, and --test-file becomes a test tag.
- pytest-odoo runs tests after loading, but picks them by path and -k, not by Odoo's tags
  (click_all, mail_activity, -/web:...), and its --odoo-skip-at-install is the opposite.
"""

import sys

from odoo.tests import loader
from odoo.tests.suite import OdooSuite

make_suite = loader.make_suite


def after_loading(module_names, position="at_install"):
    """Nothing during the loading; at the post-install pass, both positions' tests."""
    if position == "at_install":
        return OdooSuite([])
    tests = [*make_suite(module_names, "at_install"), *make_suite(module_names, "post_install")]
    return OdooSuite(sorted(tests, key=lambda t: getattr(t, "test_sequence", 0)))


if __name__ == "__main__":
    loader.make_suite = after_loading
    sys.argv = ["odoo", *sys.argv[1:]]
    from odoo.cli.command import main  # after the patch, as `python -m odoo` does

    main()
