from django import template

register = template.Library()


@register.inclusion_tag("triage/_panel.html", takes_context=True)
def triage_panel(context):
    from triage.views import panel_context

    return panel_context(context["conversation"], context["request"].user)
