from django.urls import path

from . import directory_views, shelter_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_boxes_view, name="boxes"),
    path("directory/", views.directory_view, name="directory"),
    path("directory/manage/", directory_views.manage_view, name="directory_manage"),
    path("directory/manage/new/", directory_views.offer_new_view, name="offer_new"),
    path("directory/manage/<int:offer_id>/", directory_views.offer_edit_view, name="offer_edit"),
    path("directory/manage/<int:offer_id>/active/", directory_views.offer_active_view, name="offer_active"),
    path("new/<uuid:case_id>/", views.referral_new_view, name="new"),
    path("<uuid:referral_id>/", views.referral_detail_view, name="detail"),
    path("<uuid:referral_id>/respond/", views.referral_respond_view, name="respond"),
    path("<uuid:referral_id>/complete/", views.referral_complete_view, name="complete"),
    path("<uuid:referral_id>/cancel/", views.referral_cancel_view, name="cancel"),
    path("<uuid:referral_id>/pdf/", views.referral_pdf_view, name="pdf"),
    path("<uuid:referral_id>/attachments/<uuid:attachment_id>/", views.referral_attachment_view, name="attachment"),
    path("<uuid:referral_id>/admit/", shelter_views.admit_view, name="admit"),
    path("shelters/", shelter_views.availability_view, name="shelters"),
    path("shelters/<uuid:shelter_id>/", shelter_views.shelter_detail_view, name="shelter"),
    path("placements/<uuid:placement_id>/renew/", shelter_views.renew_view, name="renew"),
    path("placements/<uuid:placement_id>/discharge/", shelter_views.discharge_view, name="discharge"),
]
