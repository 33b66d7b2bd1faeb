from django.contrib import admin

from clientfocus.people.models import Department, Employee, RoleCost


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tier"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "role"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "department"]


@admin.register(RoleCost)
class RoleCostAdmin(admin.ModelAdmin):
    list_display = ["role", "hourly_cost", "currency"]
