"""Writing headers that every mail reader decodes back to exactly the text that was meant.

Python's e-mail package (3.11, and every version before gh-144156) folds long headers wrongly:
- a subject in Cyrillic is cut into encoded words with the space between two words left
  *between* two encoded words, where RFC 2047 tells readers to drop it ("место в программе"
  arrives as "местов программе");
- an ASCII subject too long for one line is folded right after "Subject:", and arrives with a
  leading space;
- a display name is cut into encoded words inside a word, and Python's own parser then puts a
  space there ("Петр ович") while other readers do not.

So the messages are built with `MAIL_POLICY`, whose text headers are folded by the older
`email.header.Header` encoder: ASCII text is folded at its spaces, which unfolding keeps, and
other text becomes encoded words that carry every space inside them. A display name that is
not ASCII is written as one encoded word, which every reader decodes the same way.
"""

import email.policy
from email.header import Header
from email.headerregistry import (
    AddressHeader,
    HeaderRegistry,
    UniqueAddressHeader,
    UniqueUnstructuredHeader,
    UnstructuredHeader,
)
from email.utils import formataddr


class _TextFolding:
    def fold(self, *, policy):
        value = str(self)
        plain = value.isascii() and "=?" not in value  # "=?" would read as an encoded word
        folded = Header(value, "us-ascii" if plain else "utf-8", header_name=self.name)
        return f"{self.name}: {folded.encode(linesep=policy.linesep)}{policy.linesep}"


class _AddressFolding:
    def fold(self, *, policy):
        addresses = self.addresses
        if all(a.display_name.isascii() for a in addresses) or not all(
                a.addr_spec.isascii() for a in addresses):
            return super().fold(policy=policy)
        separator = "," + policy.linesep + " "
        text = separator.join(formataddr((a.display_name, a.addr_spec), charset="utf-8")
                              for a in addresses)
        return f"{self.name}: {text}{policy.linesep}"


class TextHeader(_TextFolding, UnstructuredHeader):
    pass


class UniqueTextHeader(_TextFolding, UniqueUnstructuredHeader):
    pass


class AddressListHeader(_AddressFolding, AddressHeader):
    pass


class UniqueAddressListHeader(_AddressFolding, UniqueAddressHeader):
    pass


def _header_registry() -> HeaderRegistry:
    registry = HeaderRegistry(default_class=TextHeader)
    replacements = {UnstructuredHeader: TextHeader, UniqueUnstructuredHeader: UniqueTextHeader,
                    AddressHeader: AddressListHeader, UniqueAddressHeader: UniqueAddressListHeader}
    for name, header_class in list(registry.registry.items()):
        if header_class in replacements:
            registry.map_to_type(name, replacements[header_class])
    return registry


MAIL_POLICY = email.policy.default.clone(header_factory=_header_registry())
