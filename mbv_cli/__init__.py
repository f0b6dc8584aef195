"""mbv: diagnose and operate Cloudflare Workers projects."""

__version__ = "0.1.0"
