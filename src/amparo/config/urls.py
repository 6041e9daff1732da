from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from amparo.cases import api as cases_api
from amparo.hotline import api as hotline_api
from amparo.justice import api as justice_api
from amparo.law import api as law_api
from amparo.people import api as people_api
from amparo.referrals import api as referrals_api
from amparo.reintegration import api as reintegration_api
from amparo.repatriation import api as repatriation_api
from amparo.stats import api as stats_api
from amparo.web import api as web_api

api_v1 = [
    path("me/", web_api.me_api, name="me"),
    path("persons/", people_api.person_collection_api, name="persons"),
    path("persons/search/", people_api.person_search_api, name="person_search"),
    path("persons/<uuid:person_id>/", people_api.person_detail_api, name="person"),
    path("vocabularies/persons/", people_api.vocabulary_api, name="person_vocabularies"),
    path("cases/", cases_api.case_collection_api, name="cases"),
    path("cases/<uuid:case_id>/", cases_api.case_detail_api, name="case"),
    path("cases/<uuid:case_id>/transition/", cases_api.case_transition_api, name="case_transition"),
    path("cases/<uuid:case_id>/screenings/", cases_api.case_screening_api, name="case_screening"),
    path("cases/<uuid:case_id>/reintegration/", reintegration_api.case_reintegration_api, name="case_reintegration"),
    path("referrals/", referrals_api.referral_boxes_api, name="referrals"),
    path("referrals/<uuid:referral_id>/", referrals_api.referral_detail_api, name="referral"),
    path("referrals/<uuid:referral_id>/accept/", referrals_api.referral_accept_api, name="referral_accept"),
    path("referrals/<uuid:referral_id>/decline/", referrals_api.referral_decline_api, name="referral_decline"),
    path("referrals/<uuid:referral_id>/complete/", referrals_api.referral_complete_api, name="referral_complete"),
    path("referrals/<uuid:referral_id>/cancel/", referrals_api.referral_cancel_api, name="referral_cancel"),
    path("complaints/", justice_api.complaint_collection_api, name="complaints"),
    path("complaints/<uuid:complaint_id>/", justice_api.complaint_detail_api, name="complaint"),
    path("investigations/", justice_api.investigation_collection_api, name="investigations"),
    path("investigations/<uuid:investigation_id>/", justice_api.investigation_detail_api, name="investigation"),
    path("operations/<uuid:operation_id>/", justice_api.operation_detail_api, name="operation"),
    path("law/catalog/", law_api.catalog_api, name="law_catalog"),
    path("law/calculate/", law_api.calculate_api, name="law_calculate"),
    path("repatriations/", repatriation_api.repatriation_list_api, name="repatriations"),
    path("repatriations/<uuid:repatriation_id>/", repatriation_api.repatriation_detail_api, name="repatriation"),
    path(
        "repatriations/<uuid:repatriation_id>/steps/<slug:step_code>/complete/",
        repatriation_api.repatriation_step_complete_api,
        name="repatriation_step_complete",
    ),
    path("hotline/calls/", hotline_api.call_collection_api, name="hotline_calls"),
    path("hotline/lookup/", hotline_api.reference_lookup_api, name="hotline_lookup"),
    path("hotline/calls/<uuid:call_id>/case/", hotline_api.call_case_api, name="hotline_call_case"),
    path("hotline/calls/<uuid:call_id>/complaint/", hotline_api.call_complaint_api, name="hotline_call_complaint"),
    path("stats/charts/", stats_api.chart_collection_api, name="stats_charts"),
    path("stats/charts/<slug:key>/", stats_api.chart_detail_api, name="stats_chart"),
]

urlpatterns = [
    path("", include("amparo.web.urls")),
    path("accounts/", include("amparo.accounts.urls")),
    path("persons/", include("amparo.people.urls")),
    path("cases/", include("amparo.cases.urls")),
    path("referrals/", include("amparo.referrals.urls")),
    path("reintegration/", include("amparo.reintegration.urls")),
    path("repatriations/", include("amparo.repatriation.urls")),
    path("justice/", include("amparo.justice.urls")),
    path("audit/", include("amparo.audit.urls")),
    path("capacity/", include("amparo.capacity.urls")),
    path("stats/", include("amparo.stats.urls")),
    path("law/", include("amparo.law.urls")),
    path("linkage/", include("amparo.linkage.urls")),
    path("notifications/", include("amparo.notifications.urls")),
    path("hotline/", include("amparo.hotline.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]

handler400 = "amparo.web.errors.bad_request"
handler403 = "amparo.web.errors.permission_denied"
handler404 = "amparo.web.errors.not_found"
handler500 = "amparo.web.errors.server_error"
