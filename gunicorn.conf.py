"""gunicorn settings, read from the working directory (README, "Production deployment").

The access log goes to standard output; it and the error log mask the token of every secret
link (/r/<token>, /o/<token>): portal/logmask.py.
"""

accesslog = "-"
logger_class = "portal.logmask.GunicornLogger"
