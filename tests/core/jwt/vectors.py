"""RFC 7515 appendix A known-answer vectors (A.1 HS256, A.2 RS256, A.3 ES256), verbatim from the RFC.

All three sign the same payload: {"iss":"joe",\\r\\n "exp":1300819380,\\r\\n "http://example.com/is_root":true}
"""

from __future__ import annotations

PAYLOAD_B64 = ("eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
               "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ")
EXP = 1300819380
BEFORE_EXP = EXP - 60  # "now" for the vectors, so exp does not mask the signature result

# A.1: HS256, JWS Protected Header {"typ":"JWT",\r\n "alg":"HS256"}
A1_JWK = {"kty": "oct",
          "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}
A1_TOKEN = ("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + PAYLOAD_B64 +
            ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")

# A.2: RS256, header {"alg":"RS256"}; the RSA public key (n, e) of the RFC's Figure "RSA key"
A2_JWK = {
    "kty": "RSA",
    "n": ("ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
          "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
          "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
          "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
          "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
          "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"),
    "e": "AQAB",
}
A2_TOKEN = ("eyJhbGciOiJSUzI1NiJ9." + PAYLOAD_B64 + "."
            "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
            "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
            "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
            "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
            "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
            "p0igcN_IoypGlUPQGe77Rw")

# A.3: ES256, header {"alg":"ES256"}; the P-256 public key of the RFC
A3_JWK = {"kty": "EC", "crv": "P-256",
          "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
          "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
A3_TOKEN = ("eyJhbGciOiJFUzI1NiJ9." + PAYLOAD_B64 + "."
            "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
            "pmWQxfKTUJqPP3-Kg6NU1Q")


def tamper_payload(token: str) -> str:
    """The same token with the payload's claims changed (iss joe -> eve) and the signature kept."""
    import base64
    import json

    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["iss"] = "eve"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{sig}"
