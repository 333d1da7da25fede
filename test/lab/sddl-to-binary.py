#!/usr/bin/python3
"""Converts SDDL security descriptors to their binary (NDR) form with Samba's own parser.

The lab writes access control with this instead of the console's codec, so that a bug in the
console cannot hide in the lab. Reads {"domainSid": "S-1-5-21-…", "sddl": ["D:…", …]} on stdin,
prints a JSON list of base64 strings.
"""
import base64
import json
import sys

from samba.dcerpc import security
from samba.ndr import ndr_pack

request = json.load(sys.stdin)
domain_sid = security.dom_sid(request["domainSid"])
out = [base64.b64encode(ndr_pack(security.descriptor.from_sddl(s, domain_sid))).decode() for s in request["sddl"]]
json.dump(out, sys.stdout)
