"""Who may do what in the newsroom: Editors publish and see everything; Authors write and
see their own work."""


def can_publish(user) -> bool:
    return user.has_perm("articles.publish_article")
