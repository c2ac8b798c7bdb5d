import pytest
from django.core.management import call_command

from tenancy.imports import ImportRejected, people_import_csv
from tenancy.models import AuditEvent, Person, PersonSkill, Skill
from tests.factories import PersonFactory, member

GOOD = (
    "full_name,email,title,kind,weekly_capacity_hours,skills\n"
    'Ada Byron,ada@example.test,ML engineer,employee,40,"Python:5; MLOps:3"\n'
    "Grace Hopper,grace@example.test,Data lead,contractor,32,Python\n"
)


def test_import_creates_people_skills_and_one_audit_event(org):
    admin = member(org, "admin").user
    result = people_import_csv(organization=org, actor=admin, data=GOOD.encode())
    assert result.created == 2 and result.skills_created == 2
    ada = Person.objects.for_org(org).get(email="ada@example.test")
    assert {(ps.skill.name, ps.level) for ps in ada.skills.select_related("skill")} == {
        ("Python", 5), ("MLOps", 3)}
    assert AuditEvent.objects.for_org(org).filter(action="person.imported").count() == 1


@pytest.mark.parametrize(
    "data, row, field",
    [
        (b"name,email\nAda,a@x.test\n", 1, "full_name"),
        (b"\xff\xfe\x00garbage", 0, "file"),
        (b"", 1, "file"),
        (b"full_name,email\nAda,not-an-email\n", 2, "email"),
        (b"full_name,kind\nAda,wizard\n", 2, "kind"),
        (b"full_name,weekly_capacity_hours\nAda,-5\n", 2, "weekly_capacity_hours"),
        (b"full_name,skills\nAda,Python:9\n", 2, "skills"),
        ("full_name\n" + "x" * 200 + "\n", 2, "full_name"),
        (b"full_name,email\nAda,a@x.test\nBob,a@x.test\n", 3, "email"),
        (b"full_name,email\nAda,a@x.test,extra\n", 2, "row"),
    ],
)
def test_bad_files_are_rejected_whole_with_row_errors(org, data, row, field):
    PersonFactory(organization=org, email="taken@x.test")
    before = (Person.objects.for_org(org).count(), Skill.objects.for_org(org).count())
    good_then_bad = data
    with pytest.raises(ImportRejected) as exc:
        people_import_csv(organization=org, actor=None, data=good_then_bad)
    assert any(e.row == row and e.field == field for e in exc.value.errors), exc.value.errors
    assert (Person.objects.for_org(org).count(), Skill.objects.for_org(org).count()) == before


def test_one_bad_row_among_good_ones_writes_nothing(org):
    data = GOOD + "Bad Row,taken@x.test,,,,\n"
    PersonFactory(organization=org, email="taken@x.test")
    with pytest.raises(ImportRejected) as exc:
        people_import_csv(organization=org, actor=None, data=data)
    assert [(e.row, e.field) for e in exc.value.errors] == [(4, "email")]
    assert Person.objects.for_org(org).count() == 1
    assert PersonSkill.objects.for_org(org).count() == 0


def test_import_page_shows_row_errors_and_imports(admin_client, org, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/o/{org.slug}/people/import/"
    bad = SimpleUploadedFile("p.csv", b"full_name,kind\nAda,wizard\n", content_type="text/csv")
    response = admin_client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    good = SimpleUploadedFile("p.csv", GOOD.encode(), content_type="text/csv")
    response = admin_client.post(url, {"file": good})
    assert response.status_code == 302
    assert Person.objects.for_org(org).count() == 2


def test_import_command(org, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    call_command("import_people", "--org", org.slug, "--file", str(path))
    assert "Imported 2 people" in capsys.readouterr().out
    assert Person.objects.for_org(org).count() == 2
