from django.urls import path

from clientfocus.orders import views

app_name = "orders"
urlpatterns = [path("orders/<path:order_id>/", views.order_page, name="page")]
