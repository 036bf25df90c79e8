"""The resident's download of released records, and the clerk's reissue of a package."""

urlpatterns: list = []
