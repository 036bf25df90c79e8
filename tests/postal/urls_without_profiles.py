"""The portal's URLs without the profile pages, as before they existed."""

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    pattern for pattern in portal_urlpatterns if getattr(pattern, "namespace", None) != "profiles"
]
