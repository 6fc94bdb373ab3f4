"""A handle is usable from other threads; load and save release the GIL."""

import threading
import time

from augeas_rs import Augeas


def test_handle_used_from_another_thread(bare):
    results = {}

    def work():
        bare.set("/files/t/from_thread", "yes")
        results["get"] = bare.get("/files/t/a")
        results["match"] = bare.match("/files/t/b")

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert results == {"get": "1", "match": ["/files/t/b[1]", "/files/t/b[2]"]}
    assert bare.get("/files/t/from_thread") == "yes"


def test_handle_created_in_a_thread_used_in_main(root):
    box = []
    t = threading.Thread(target=lambda: box.append(Augeas(root=str(root), flags=Augeas.NO_LOAD)))
    t.start()
    t.join()
    a = box[0]
    a.set("/files/x", "1")
    assert a.get("/files/x") == "1"
    a.close()


def test_concurrent_calls_are_serialised(bare):
    errors = []

    def writer(i):
        try:
            for j in range(50):
                bare.set(f"/files/w{i}/n{j}", str(j))
                bare.save()
                assert bare.get(f"/files/w{i}/n{j}") == str(j)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [bare.count(f"/files/w{i}/*") for i in range(4)] == [50] * 4


def test_close_from_another_thread(bare):
    t = threading.Thread(target=bare.close)
    t.start()
    t.join()
    assert bare.closed


def test_save_in_a_thread(aug, root):
    aug.set("/files/etc/hosts/1/canonical", "threaded")
    t = threading.Thread(target=aug.save)
    t.start()
    t.join()
    assert "127.0.0.1\tthreaded" in (root / "etc/hosts").read_text()


def _busy_root(root, lines, n=10):
    """Writes `n` crontab files of `lines` entries under etc/cron.d, so that loading takes a
    while."""
    line = "*/5 * * * * root /usr/local/bin/job --flag value >/dev/null 2>&1\n"
    for i in range(n):
        (root / "etc/cron.d" / f"job{i}").write_text("# job\nMAILTO=root\n" + line * lines)


def _timed_load(root):
    """Loads `root` in a thread while this one counts how often it gets to run: the load's
    window, the ticks, and the handle."""
    a = Augeas(root=str(root), flags=Augeas.NO_LOAD)
    window = {}

    def load():
        window["start"] = time.perf_counter()
        a.load()
        window["end"] = time.perf_counter()

    t = threading.Thread(target=load)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    return window["start"], window["end"], ticks, a


def test_load_releases_the_gil(root):
    # Files big enough for the load to take at least 50 ms, however fast the machine.
    lines = 20
    while True:
        _busy_root(root, lines)
        start, end, ticks, a = _timed_load(root)
        if end - start >= 0.05:
            break
        a.close()
        assert lines < 100_000, "loading 1M crontab lines took under 50 ms"
        lines *= 4
    margin = (end - start) / 4
    inside = [x for x in ticks if start + margin < x < end - margin]
    # With the GIL held for the whole load, this thread could not run in the window.
    assert len(inside) > 100
    assert a.count("/files/etc/cron.d/*") >= 10
    a.close()
