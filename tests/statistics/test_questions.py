"""A chart with its table for each choice and yes/no question of the call."""

import re

from portal.questions.models import Question, QuestionKind
from portal.statistics.queries import call_statistics
from tests.reports.call_questions import THEMES, add_questions, answer


def _call(create_call, create_application, db):
    call = create_call()
    questions = add_questions(call)
    first, second, third = (create_application(call=call, submit=True) for _ in range(3))
    draft = create_application(call=call)
    answer(first, questions, {"theme": "ecom", "fellow": False, "activities": ["risk", "ecom"]})
    answer(second, questions, {"theme": "ecom", "fellow": True, "activities": ["ecom"]})
    answer(third, questions, {"theme": None, "activities": []})
    answer(draft, questions, {"theme": "risk", "fellow": True, "activities": ["risk"]})
    return call, questions


def test_counts_per_choice_over_submitted_applications(create_call, create_application, db):
    call, questions = _call(create_call, create_application, db)
    counted = {c.question.text_en: (c.counts, c.unanswered)
               for c in call_statistics(call, "en").questions}
    assert counted == {
        "Fellow before?": ({"yes": 1, "no": 1}, 1),
        "Theme": ({"risk": 0, "ecom": 2}, 1),
        "Activities": ({"risk": 1, "ecom": 2}, 1),
    }


def test_page_shows_a_chart_and_table_per_question_in_the_viewers_language(
        client, login_as, create_user, create_call, create_application, db):
    call, questions = _call(create_call, create_application, db)
    login_as(create_user(roles=("coordinator",), language="ru"))
    html = client.get(f"/manage/calls/{call.id}/statistics").get_data(as_text=True)
    theme = questions["theme"].id
    assert f'<title id="chart-question-{theme}-title">Тема</title>' in html
    table = html.split(f'id="table-question-{theme}"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<th scope="row">(.*?)</th><td class="text-end">(\d+)</td>', table) == [
        ("Управление рисками", "0"), ("Электронная торговля", "2"), ("Нет ответа", "1")]
    fellow = html.split(f'id="table-question-{questions["fellow"].id}"', 1)[1]
    assert re.findall(r'<th scope="row">(.*?)</th>', fellow.split("</table>", 1)[0]) == [
        "Да", "Нет", "Нет ответа"]
    # Text, number, date and file questions have no chart.
    assert html.count('id="chart-question-') == 3


def test_page_queries_do_not_grow_with_questions(client, login_as, create_user, create_call,
                                                 create_application, db, count_queries):
    call, _questions = _call(create_call, create_application, db)
    login_as(create_user(roles=("coordinator",)))
    url = f"/manage/calls/{call.id}/statistics"
    count_queries(lambda: client.get(url))
    few = count_queries(lambda: client.get(url))
    for n in range(30):
        db.session.add(Question(call_id=call.id, section_key="extra-1", position=10 + n,
                                kind=(QuestionKind.single_choice, QuestionKind.yes_no,
                                      QuestionKind.multiple_choice)[n % 3],
                                text_en=f"Q{n}", text_ru=f"В{n}", choices=THEMES))
    db.session.commit()
    assert count_queries(lambda: client.get(url)) == few
    assert client.get(url).get_data(as_text=True).count('id="chart-question-') == 33
