"""The helper the integration tests and the fault benchmark use to read which notices the
file backend's e-mails carried, on what Django really writes."""

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend

from devtools.mail import mailed_notice_ids


def test_reads_a_digest_header_folded_over_several_lines(tmp_path):
    many = list(range(100_000, 100_040))  # long enough for the header to be folded
    backend = EmailBackend(file_path=str(tmp_path))
    digest = EmailMessage(
        "Digest", "…", to=["a@example.org"], headers={"X-Tandem-Notices": ",".join(map(str, many))}
    )
    single = EmailMessage("One", "…", to=["a@example.org"], headers={"X-Tandem-Notices": "7"})
    backend.send_messages([digest, single])

    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert any(line.startswith((" ", "\t")) and "1000" in line for line in written.splitlines()), (
        "the header was not folded: the test would not exercise the folding"
    )
    assert mailed_notice_ids(tmp_path) == [*many, 7]


def test_an_empty_or_missing_folder_carries_nothing(tmp_path):
    assert mailed_notice_ids(tmp_path) == []
    assert mailed_notice_ids(tmp_path / "absent") == []
