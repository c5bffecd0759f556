import contextlib

from odoo import models

# Set by the receiving code for the duration of one create, in the cursor's cache: server-side
# only, never a context key (a client's context reaches code that runs as superuser too).
NO_INDEX = "snn_no_index"


@contextlib.contextmanager
def without_full_text(env):
    """Attachments created inside are not copied into index_content (see _index)."""
    env.cr.cache[NO_INDEX] = True
    try:
        yield
    finally:
        env.cr.cache.pop(NO_INDEX, None)


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _index(self, bin_data, file_type, checksum=None):
        """No full-text copy of a received edXML message: it is text/xml, so Odoo would copy
        all of it, its files in base64 included, into index_content (about 15 ms and 0.3 MB
        per document received; bench/incoming_bench.py). Only the system's own receiving code
        asks it (without_full_text): no client's key can keep a file out of the search."""
        if self.env.cr.cache.get(NO_INDEX):
            return None
        return super()._index(bin_data, file_type, checksum=checksum)
