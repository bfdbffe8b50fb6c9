from cases.services import case_register


def register(user=None, **overrides):
    values = {
        "user": user,
        "category": "verlichting",
        "description": "Lantaarnpaal kapot",
        "location": "Biltstraat 12",
    }
    values.update(overrides)
    return case_register(**values)
