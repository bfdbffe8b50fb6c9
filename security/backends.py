"""The user a session names, read with their roles, teams, shortcut keys and whether anything awaits
them in one statement."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection

from inbox.models import Notification, ShortcutPreference, Team
from inbox.permissions import roles_known
from inbox.services.notifications import notifications_known
from inbox.shortcuts import shortcuts_known


class RolesModelBackend(ModelBackend):
    """Django's ModelBackend, except that on PostgreSQL the user of each request is read together
    with the names of their groups (their roles), their teams' ids, their keyboard shortcuts and
    whether they have unread notifications: nearly every request asks for the first two, every page
    for the shortcuts, every conversation opened for the last, and a query of their own cost about
    as much as reading the user (ADR 0014)."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user_id = user_model._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid id is a session without a user
            return None
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        user = next(iter(user_model._default_manager.raw(_user_with_roles_sql(), [user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        roles_known(user, group_names=user.webcare_group_names, team_ids=user.webcare_team_ids)
        shortcuts_known(user, enabled=user.webcare_shortcuts_on, keys=user.webcare_shortcut_keys)
        notifications_known(user, any_unread=user.webcare_any_unread)
        return user


@cache
def _user_with_roles_sql() -> str:
    """Written by hand from the models' tables: the ORM compiling these subqueries took three times
    as long as the statement itself."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    users, pk = quote(user_model._meta.db_table), quote(user_model._meta.pk.column)
    groups_field = user_model._meta.get_field("groups")
    group_table = quote(groups_field.related_model._meta.db_table)
    user_groups = groups_field.remote_field.through._meta
    team_members = Team._meta.get_field("members").remote_field.through._meta
    shortcuts = quote(ShortcutPreference._meta.db_table)
    shortcut_user = quote(ShortcutPreference._meta.get_field("user").column)
    enabled, keys = (ShortcutPreference._meta.get_field(f).column for f in ("enabled", "keys"))
    notifications = quote(Notification._meta.db_table)
    notification_user = quote(Notification._meta.get_field("user").column)
    read_at = Notification._meta.get_field("read_at").column
    return (
        f"SELECT u.*, "  # noqa: S608 (names from the models' meta, the id a parameter)
        f"ARRAY(SELECT g.{quote('name')} FROM {group_table} g JOIN {quote(user_groups.db_table)} ug "
        f"ON g.{quote('id')} = ug.{quote(user_groups.get_field('group').column)} "
        f"WHERE ug.{quote(user_groups.get_field('user').column)} = u.{pk}) AS webcare_group_names, "
        f"ARRAY(SELECT tm.{quote(team_members.get_field('team').column)} FROM {quote(team_members.db_table)} tm "
        f"WHERE tm.{quote(team_members.get_field('user').column)} = u.{pk}) AS webcare_team_ids, "
        f"(SELECT s.{quote(enabled)} FROM {shortcuts} s WHERE s.{shortcut_user} = u.{pk}) AS webcare_shortcuts_on, "
        f"(SELECT s.{quote(keys)} FROM {shortcuts} s WHERE s.{shortcut_user} = u.{pk}) AS webcare_shortcut_keys, "
        f"EXISTS(SELECT 1 FROM {notifications} n WHERE n.{notification_user} = u.{pk} "
        f"AND n.{quote(read_at)} IS NULL) AS webcare_any_unread "
        f"FROM {users} u WHERE u.{pk} = %s"
    )
