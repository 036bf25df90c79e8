"""The clerk's review and release of a request's records (under /staff/requests/<number>/)."""

urlpatterns: list = []
