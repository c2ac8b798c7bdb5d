"""Expert time pages, mounted at /o/<org_slug>/experts/."""

from django.urls import path

from resources.experts import views

app_name = "experts"

urlpatterns = [
    path("", views.ExpertListView.as_view(), name="home"),
    path("<int:pk>/", views.ExpertDetailView.as_view(), name="expert_detail"),
    path("<int:pk>/book/", views.BookView.as_view(), name="book"),
    path("<int:pk>/hours/", views.OfficeHoursAddView.as_view(), name="office_hours_add"),
    path("hours/<int:pk>/delete/", views.OfficeHoursDeleteView.as_view(), name="office_hours_delete"),
    path("bookings/", views.MyBookingsView.as_view(), name="my_bookings"),
    path("bookings/<int:pk>/ics/", views.BookingIcsView.as_view(), name="booking_ics"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking_cancel"),
    path("utilisation/", views.UtilisationView.as_view(), name="utilisation"),
    path("guilds/<int:pk>/panel/", views.GuildPanelView.as_view(), name="guild_panel"),
]
