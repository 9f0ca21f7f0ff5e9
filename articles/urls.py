from django.urls import path

from articles.reading import article_page, breaking, front_page, live, views
from articles.syndication import feeds

app_name = "articles"
urlpatterns = [
    path("", front_page.FrontPageView.as_view(), name="home"),
    path("articles/<slug:slug>/", article_page.ArticleDetailView.as_view(), name="article"),
    path("read/<int:pk>/", article_page.count_read, name="count-read"),
    path("preview/<int:pk>/", article_page.preview, name="preview"),
    path("preview/shared/<str:token>/", article_page.shared_preview, name="shared-preview"),
    path("tags/", views.TagIndexView.as_view(), name="tags"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("breaking/", breaking.breaking, name="breaking"),
    path("live/<slug:slug>/", live.updates_page, name="live-updates"),
    path("live/<slug:slug>/new/", live.new_updates, name="live-new"),
    path("live/<slug:slug>/atom/", feeds.LiveUpdatesFeed(), name="live-atom"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("corrections/rss/", feeds.CorrectionsFeed(), name="corrections-rss"),
    path("feeds/rss/", feeds.LatestArticlesFeed(), name="rss"),
    path("feeds/atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
    path("tags/<slug:slug>/rss/", feeds.TagFeed(), name="tag-rss"),
    path("tags/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag-atom"),
    path("authors/<slug:slug>/rss/", feeds.AuthorFeed(), name="author-rss"),
    path("authors/<slug:slug>/atom/", feeds.AuthorAtomFeed(), name="author-atom"),
]
