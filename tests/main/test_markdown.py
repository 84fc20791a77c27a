from portal.markdown import render_markdown


def test_list_right_under_a_sentence_is_still_a_list():
    html = render_markdown("You can apply if you:\n- serve in customs;\n- are nominated.")
    assert html == ("<p>You can apply if you:</p>\n<ul>\n<li>serve in customs;</li>\n"
                    "<li>are nominated.</li>\n</ul>")


def test_scripts_handlers_and_unsafe_links_never_get_through():
    html = render_markdown("# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) "
                           "<img src=x onerror=alert(1)> **bold**")
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html
