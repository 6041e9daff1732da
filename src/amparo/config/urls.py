from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from amparo.cases import api as cases_api
from amparo.people import api as people_api
from amparo.referrals import api as referrals_api
from amparo.web import api as web_api

api_v1 = [
    path("me/", web_api.me_api, name="me"),
    path("persons/", people_api.person_collection_api, name="persons"),
    path("persons/<uuid:person_id>/", people_api.person_detail_api, name="person"),
    path("vocabularies/persons/", people_api.vocabulary_api, name="person_vocabularies"),
    path("cases/", cases_api.case_collection_api, name="cases"),
    path("cases/<uuid:case_id>/", cases_api.case_detail_api, name="case"),
    path("cases/<uuid:case_id>/transition/", cases_api.case_transition_api, name="case_transition"),
    path("cases/<uuid:case_id>/screenings/", cases_api.case_screening_api, name="case_screening"),
    path("referrals/", referrals_api.referral_boxes_api, name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals_api.referral_detail_api, name="referral"),
]

urlpatterns = [
    path("", include("amparo.web.urls")),
    path("accounts/", include("amparo.accounts.urls")),
    path("persons/", include("amparo.people.urls")),
    path("cases/", include("amparo.cases.urls")),
    path("referrals/", include("amparo.referrals.urls")),
    path("audit/", include("amparo.audit.urls")),
    path("linkage/", include("amparo.linkage.urls")),
    path("notifications/", include("amparo.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]

handler403 = "amparo.web.errors.permission_denied"
handler404 = "amparo.web.errors.not_found"
handler500 = "amparo.web.errors.server_error"
