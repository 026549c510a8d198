#!/usr/bin/python3
# cockpit_page.py: the browser's part of cockpit_page.sh (not run alone).
# Each person logs in to Cockpit as themself in a fresh headless Chromium
# and uses kunci's page as an official would.  Prints "ok - ..." and
# "FAIL - ..." lines, and "ID A <id>" for the shell to check from kuncid.
import os
import re
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

PORT = os.environ["CP_PORT"]
P = os.environ["CP_PREFIX"]
PASS = os.environ["CP_PASS"]
OUT = os.environ["CP_OUT"]
URL = "http://127.0.0.1:%s/cockpit/@localhost/kunci/index.html" % PORT
failed = 0
shot_n = 0


def ok(desc, cond, detail=""):
    global failed
    if cond:
        print("ok - " + desc, flush=True)
    else:
        failed += 1
        print("FAIL - " + desc, flush=True)
        if detail:
            print("    " + str(detail)[:400], flush=True)


def shot(d, name):
    global shot_n
    shot_n += 1
    try:
        d.save_screenshot(os.path.join(OUT, "%02d-%s.png" % (shot_n, name)))
    except WebDriverException:
        pass


def browser(lang="id", cookie_lang=None):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--window-size=1280,1000",
              "--lang=" + lang):
        o.add_argument(a)
    o.add_experimental_option("prefs", {
        "intl.accept_languages": lang,
        "download.default_directory": os.path.join(OUT, "downloads"),
        "download.prompt_for_download": False,
        "profile.default_content_setting_values.automatic_downloads": 1})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(60)
    if cookie_lang:
        # the cookie Cockpit's own language menu sets, on this origin
        d.get("http://127.0.0.1:%s/cockpit/static/login.html" % PORT)
        d.add_cookie({"name": "CockpitLang", "value": cookie_lang,
                      "path": "/"})
    return d


def wait(d, cond, secs=30):
    return WebDriverWait(d, secs).until(cond)


def login(who, lang="id", cookie_lang=None, hash=""):
    """A fresh browser logged in as P+who on kunci's page."""
    d = browser(lang, cookie_lang)
    d.get(URL + hash)
    wait(d, EC.visibility_of_element_located((By.ID, "login-user-input")))
    d.find_element(By.ID, "login-user-input").send_keys(P + who)
    d.find_element(By.ID, "login-password-input").send_keys(PASS)
    d.find_element(By.ID, "login-button").click()
    wait(d, lambda d: d.execute_script(
        "return document.body && document.body.getAttribute('data-ready')"
        " === '1' && document.getElementById('who').textContent !== ''"), 60)
    return d


def notice(d):
    """Wait for the outcome of an action: the notice or the alert."""
    wait(d, lambda d: d.find_element(By.ID, "notice").is_displayed() or
         d.find_element(By.ID, "alert").is_displayed())
    if d.find_element(By.ID, "alert").is_displayed():
        return "ALERT " + d.find_element(By.ID, "alert").text
    return d.find_element(By.ID, "notice").text


def open_from(d, tab, rid, secs=30):
    """Open request rid from a tab's list, reloading the tab until it is
    listed (a notify step moves on in kuncid's next pass)."""
    end = time.time() + secs
    while True:
        d.find_element(By.ID, "tab-" + tab).click()
        try:
            b = wait(d, EC.element_to_be_clickable(
                (By.CSS_SELECTOR, "#pane-%s button[data-id='%s']" %
                 (tab, rid))), 3)
            b.click()
            wait(d, lambda d: d.find_element(By.ID, "detail").is_displayed()
                 and rid in d.find_element(By.ID, "detail-title").text)
            return True
        except TimeoutException:
            if time.time() > end:
                return False


def actions(d):
    return [f.get_attribute("data-action") for f in
            d.find_elements(By.CSS_SELECTOR, "#actions form")]


def act(d, action, fields=None):
    """Fill an action's form and send it; returns the notice text."""
    d.find_element(By.ID, "alert").is_displayed()
    d.execute_script("document.getElementById('notice').hidden = true;"
                     "document.getElementById('alert').hidden = true;")
    form = d.find_element(By.CSS_SELECTOR,
                          "#actions form[data-action='%s']" % action)
    for fid, val in (fields or {}).items():
        form.find_element(By.ID, fid).send_keys(val)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return notice(d)


def submit(d, reason, until="2026-12-31"):
    Select(d.find_element(By.ID, "f-resource")).select_by_value(
        "server-room:dc1")
    d.find_element(By.ID, "f-reason").send_keys(reason)
    # a date input takes the date as typed in the browser's locale:
    # set it as the page would read it
    d.execute_script("document.getElementById('f-until').value = "
                     "arguments[0];", until)
    d.find_element(By.ID, "f-submit").click()
    n = notice(d)
    m = re.search(r"\b(\d{4}-\d{6})\b", n)
    return m.group(1) if m else None, n


def forged(d, argv):
    """Run a command from the browser's console, as a person could."""
    return d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "cockpit.spawn(arguments[0], {err: 'message'})"
        ".then(o => done('OK ' + o)).catch(e => done('ERR ' + e.message));",
        argv)


def main():
    rid = None
    # --- Procedure A, entirely in the browser -------------------------------
    d = login("r")
    shot(d, "requester-page")
    ok("the requester's page is in Indonesian",
       d.find_element(By.ID, "tab-mine").text == "Permohonan saya" and
       d.find_element(By.ID, "tab-waiting").text == "Menunggu saya")
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#f-type option"))
    opts = [o.get_attribute("value") for o in
            d.find_elements(By.CSS_SELECTOR, "#f-resource option")]
    ok("the resource list offers server-room:dc1", "server-room:dc1" in opts,
       opts)
    Select(d.find_element(By.ID, "f-resource")).select_by_value(
        "server-room:dc1")
    ok("... with its one access type, card",
       [o.get_attribute("value") for o in
        d.find_elements(By.CSS_SELECTOR, "#f-type option")] == ["card"])
    Select(d.find_element(By.ID, "f-resource")).select_by_value(
        "control-panel:webmin")
    ok("... and a control panel with its one, account",
       [o.get_attribute("value") for o in
        d.find_elements(By.CSS_SELECTOR, "#f-type option")] == ["account"])
    rid, n = submit(d, "Pemeliharaan UPS di ruang server utama")
    ok("the requester submits procedure A from the page", rid is not None, n)
    print("ID A %s" % rid, flush=True)
    shot(d, "requester-submitted")
    ok("... and it is listed under Permohonan saya",
       len(d.find_elements(By.CSS_SELECTOR,
                           "#mine-list button[data-id='%s']" % rid)) == 1)
    d.quit()

    # the superior holds no role: the request waits on them all the same
    # then the SOP's acts after the card: the operator informs and records,
    # the requester confirms receipt (each its own button)
    steps = [("s", "approve", None), ("d", "approve", None),
             ("b", "approve", None), ("k", "approve", None),
             ("b", "approve", None), ("o", "approve", {"act-cred": "KB-" + P}),
             ("o", "inform", None), ("o", "record", None),
             ("r", "confirm", None)]
    for who, action, fields in steps:
        d = login(who)
        found = open_from(d, "waiting", rid, 40)
        ok("%s finds the request under Menunggu saya" % (P + who), found)
        if not found:
            shot(d, "not-found-" + who)
            d.quit()
            break
        if who == "s":
            ok("the superior (no role) may approve or reject it",
               actions(d) == ["approve", "reject", "comment"], actions(d))
            deadline = d.find_element(By.ID, "detail-body").text
            ok("... and sees its reason and deadline",
               "Pemeliharaan UPS" in deadline and "Batas waktu" in deadline)
        if fields:
            ok("the operator's step asks for the card serial",
               len(d.find_elements(By.ID, "act-cred")) == 1)
        if action != "approve":
            ok("%s is offered %s, and no approve" % (P + who, action),
               action in actions(d) and "approve" not in actions(d),
               actions(d))
        shot(d, "step-%s-%s-before" % (who, action))
        n = act(d, action, fields)
        ok("%s does %s from the page" % (P + who, action),
           n.startswith("Tersimpan"), n)
        shot(d, "step-%s-%s-after" % (who, action))
        d.quit()

    d = login("r", hash="#request/" + rid)
    wait(d, lambda d: rid in d.find_element(By.ID, "detail-title").text)
    body = d.find_element(By.ID, "detail-body").text
    ok("the requester sees the request active with its grant",
       re.search(r"Status\s+aktif", body) is not None and
       re.search(r"Hak akses\s+" + re.escape(rid), body) is not None,
       body[:300])
    ok("... and the card serial in the trail", ("KB-" + P) in body)
    shot(d, "requester-granted")
    d.quit()

    # --- a rejection, its reason, and text that tries to be markup ----------
    evil = ('<script>window.kunciXss=1</script>"><img src=x '
            'onerror="window.kunciXss=2"> Perbaikan jaringan lantai dua, '
            'ruang rapat Ketua; é à ñ')
    d = login("r")
    rid2, n = submit(d, evil)
    ok("a reason with <script>, an <img onerror> and accented letters is "
       "submitted", rid2 is not None, n)
    d.quit()
    why = 'Jadwal bentrok <b>rapat</b> "><img src=x onerror="window.kunciXss=3">'
    d = login("s")
    ok("the superior opens it", open_from(d, "waiting", rid2))
    ok("... the reason shown as text, exactly",
       evil in d.find_element(By.ID, "detail-body").text)
    n = act(d, "reject", {"act-reason": why})
    ok("the superior rejects it with a reason", n.startswith("Tersimpan"), n)
    d.quit()
    d = login("r", hash="#request/" + rid2)
    wait(d, lambda d: rid2 in d.find_element(By.ID, "detail-title").text)
    body = d.find_element(By.ID, "detail-body").text
    ok("the requester sees the rejection ...",
       re.search(r"Status\s+ditolak", body) is not None, body[:200])
    ok("... with the reason, as text", why in body)
    ok("... and the own reason as text", evil in body)
    ok("nothing of it ran or became an element",
       d.execute_script("return window.kunciXss === undefined && "
                        "document.querySelectorAll('#detail-body img, "
                        "#detail-body script, #detail-body b').length") == 0)
    ok("the request lists show it as text too",
       d.execute_script("return document.querySelectorAll("
                        "'main img, main script').length") == 0)
    shot(d, "requester-rejected")
    d.quit()

    # --- no right: no button, and a forged command refused -----------------
    d = login("r")
    rid3, n = submit(d, "Akses untuk uji hak")
    d.quit()
    d = login("x", hash="#request/" + rid3)
    time.sleep(1)
    al = d.find_element(By.ID, "alert")
    ok("a person with no right cannot open the request",
       al.is_displayed() and "permohonan tidak dikenal" in al.text, al.text)
    d.find_element(By.ID, "tab-waiting").click()
    time.sleep(1)
    ok("... finds nothing waiting on them",
       len(d.find_elements(By.CSS_SELECTOR, "#waiting-list button")) == 0)
    r = forged(d, ["kuncictl", "--json", "request", "approve", rid3])
    ok("a forged approval from the browser's console is refused by kuncid",
       r.startswith("ERR") and ("refused" in r or "ditolak" in r), r)
    shot(d, "outsider")
    d.quit()
    d = login("d", hash="#request/" + rid3)
    wait(d, lambda d: rid3 in d.find_element(By.ID, "detail-title").text)
    ok("the Kadis, whose step it is not yet, sees no approve or reject button",
       actions(d) == ["comment"], actions(d))
    shot(d, "kadis-not-yet")
    d.quit()

    # --- the request's form, to view and print -------------------------------
    d = login("r")
    d.find_element(By.ID, "tab-forms").click()
    Select(wait(d, EC.presence_of_element_located((By.ID, "form-kind")))
           ).select_by_value("request")
    d.find_element(By.ID, "form-id").send_keys(rid)
    d.find_element(By.CSS_SELECTOR, "#form-form button[type=submit]").click()
    try:
        frame = wait(d, EC.visibility_of_element_located(
            (By.CSS_SELECTOR, "iframe.k-form-frame")))
        d.switch_to.frame(frame)
        body = wait(d, lambda d: d.find_element(By.TAG_NAME, "body").text)
        ok("Formulir: the request's form, as kuncid renders it",
           "FORMULIR PERMINTAAN" in body.upper() and rid in body, body[:200])
        d.switch_to.default_content()
        ok("... in a frame where no script runs",
           "allow-scripts" not in frame.get_attribute("sandbox"))
    except TimeoutException as e:
        ok("Formulir: the request's form is shown", False, repr(e))
    shot(d, "form")
    dl = os.path.join(OUT, "downloads")
    d.find_element(By.ID, "form-signed").click()
    try:
        WebDriverWait(d, 30).until(lambda d: all(
            os.path.exists(os.path.join(dl, "request-%s.html%s" % (rid, x)))
            for x in ("", ".p7s")))
        ok("Formulir: the signed form and its signature are downloaded",
           True)
        print("SIGNED %s" % os.path.join(dl, "request-%s.html" % rid),
              flush=True)
    except TimeoutException:
        ok("Formulir: the signed form and its signature are downloaded",
           False, os.listdir(dl) if os.path.isdir(dl) else "no dir")
    d.quit()

    # --- a review attestation, several grants at once ----------------------
    camp = os.environ.get("CP_CAMPAIGN", "")
    d = login("w")
    d.find_element(By.ID, "tab-review").click()
    try:
        form = wait(d, EC.presence_of_element_located(
            (By.CSS_SELECTOR, "#review-list form[data-campaign='%s']" % camp)))
        boxes = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox]")
        ok("review: the access owner (no role) sees the two grants to attest",
           sorted(b.get_attribute("value") for b in boxes) ==
           ["RV1-" + P, "RV2-" + P],
           [b.get_attribute("value") for b in boxes])
        for b in boxes:
            b.click()
        form.find_element(By.TAG_NAME, "textarea").send_keys(
            "Keduanya masih bertugas di bidang infrastruktur")
        shot(d, "review-before")
        form.find_element(By.CSS_SELECTOR,
                          "button[data-decision=valid]").click()
        n = notice(d)
        ok("review: both attested valid at once", n.startswith("Tersimpan"),
           n)
        wait(d, lambda d: not d.find_elements(
            By.CSS_SELECTOR, "#review-list form[data-campaign='%s']" % camp))
        ok("review: nothing left to attest", True)
        shot(d, "review-after")
    except TimeoutException as e:
        ok("review: the campaign is on the Reviu tab", False, repr(e))
        shot(d, "review-missing")
    d.quit()
    d = login("x")
    d.find_element(By.ID, "tab-review").click()
    time.sleep(1)
    ok("review: a person without a role sees nothing to attest",
       not d.find_elements(By.CSS_SELECTOR, "#review-list form"))
    d.quit()

    # --- a visit, from request to locked check-out ---------------------------
    d = login("r")
    d.find_element(By.ID, "tab-visit").click()
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#v-resource option"))
    Select(d.find_element(By.ID, "v-resource")).select_by_value(
        "server-room:dc1")
    d.find_element(By.ID, "v-guest").send_keys("Agus Tamu")
    d.find_element(By.ID, "v-org").send_keys("PT Contoh Jaringan")
    d.find_element(By.ID, "v-iddoc").send_keys("KTP 3302000000000001")
    d.find_element(By.ID, "v-submit").click()
    n = notice(d)
    m = re.search(r"\b(V\d{4}-\d+)\b", n)
    vid = m.group(1) if m else None
    ok("visit: the requester asks for a guest's visit", vid is not None, n)
    print("ID V %s" % vid, flush=True)
    d.quit()
    # the escort finds it under Menunggu saya, the others under Kunjungan
    vsteps = [("k", "approve", None, "visit"), ("a", "approve", None, "visit"),
              ("k", "escort", {"vact-escort": P + "o"}, "visit"),
              ("r", "checkin", {"vact-held-checkin": " ",
                                "vact-equip-checkin": "Laptop"}, "visit"),
              ("o", "checkout_locked", {"vact-ret-checkout_locked": " "},
               "waiting")]
    for who, action, fields, tab in vsteps:
        if vid is None:
            break
        d = login(who)
        found = open_from(d, tab, vid)
        ok("visit: %s opens it under %s" % (P + who, tab), found)
        if not found:
            d.quit()
            break
        if who == "o":
            ok("visit: the escort is offered the check-out with the lock "
               "statement", "checkout_locked" in actions(d), actions(d))
        n = act(d, action, fields)
        ok("visit: %s: %s" % (P + who, action), n.startswith("Tersimpan"), n)
        shot(d, "visit-%s-%s" % (who, action))
        d.quit()

    # --- languages -----------------------------------------------------------
    d = login("s", lang="id", hash="#request/" + rid3)
    wait(d, lambda d: rid3 in d.find_element(By.ID, "detail-title").text)
    english = d.execute_script(
        "return Object.values(TEXT).filter(v => v[0] !== v[1])"
        ".map(v => v[1]);")
    text = d.find_element(By.TAG_NAME, "body").text
    left = [e for e in english if re.search(r"(?<!\w)" + re.escape(e) +
                                            r"(?!\w)", text)]
    ok("--lang=id: html lang is id", d.execute_script(
        "return document.documentElement.lang") == "id")
    ok("--lang=id: no English text of kunci's on the page", left == [], left)
    for w in ("pending", "Waiting for", "direct superior", "Request",
              "State", "Deadline", "superior", "card", "approve",
              "submit"):
        if re.search(r"(?<!\w)" + w + r"(?!\w)", text):
            ok("--lang=id: no '%s'" % w, False, text[:300])
    shot(d, "lang-id")
    for tab in ("mine", "waiting", "review", "visit", "forms"):
        d.find_element(By.ID, "tab-" + tab).click()
        time.sleep(1.5)
        text = d.find_element(By.TAG_NAME, "body").text
        left = [e for e in english if re.search(
            r"(?<!\w)" + re.escape(e) + r"(?!\w)", text)]
        ok("--lang=id: the %s tab has no English text of kunci's" % tab,
           left == [], left)
    d.quit()
    for lang, cookie in (("en", None), ("id", "en-us")):
        d = login("s", lang=lang, cookie_lang=cookie, hash="#request/" + rid3)
        wait(d, lambda d: rid3 in d.find_element(By.ID, "detail-title").text)
        label = "--lang=%s%s" % (lang, " with CockpitLang=" + cookie
                                 if cookie else "")
        body = d.find_element(By.ID, "detail-body").text
        ok(label + ": the page is in English",
           d.find_element(By.ID, "tab-waiting").text == "Waiting on me" and
           d.execute_script("return document.documentElement.lang") == "en")
        ok(label + ": kuncid's labels too",
           re.search(r"State\s+pending", body) is not None and
           "Waiting for" in body, body[:300])
        shot(d, "lang-" + lang + ("-cookie" if cookie else ""))
        d.quit()

    # --- a phone's width -----------------------------------------------------
    d = login("s")
    d.set_window_size(390, 844)
    ok("on a phone's width the page needs no sideways scrolling",
       d.execute_script("return document.documentElement.scrollWidth "
                        "<= window.innerWidth + 1"))
    shot(d, "phone")
    d.quit()


try:
    main()
except Exception as e:  # a browser or page failure is a test failure
    ok("the browser session ran to the end", False, repr(e))
sys.exit(1 if failed else 0)
