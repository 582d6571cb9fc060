# Carepath — English. Every id here must also exist in locales/es/carepath_app.ftl (a test checks).
app-name = Carepath
skip-to-content = Skip to main content
language-label = Language
loading = Loading…
not-found = This page does not exist.

## Errors
error-generic = Something went wrong. Please try again.
error-offline = No connection to the pharmacy right now. Please try again soon.
error-offline-enroll = No connection right now. You need the internet once to connect this phone. Please try again soon.
error-too-many-attempts = Too many tries. Please wait a few minutes and try again.
error-signed-out = You are signed out. Please sign in again.
storage-error = This phone could not save your entry. Please try again. If it keeps happening, call your pharmacy.

## Enrollment (patient)
enroll-title = Connect to your pharmacy
enroll-intro = Your pharmacy gave you a code. Type it here to connect this phone to your care team. You only do this once.
enroll-code-label = Your code
enroll-code-hint = 8 letters and numbers, for example K7QM-4XRT.
enroll-submit = Connect
enroll-busy = Connecting…
enroll-error-unknown = We could not find that code. Please check it, or ask your pharmacy for a new one.
enroll-error-expired = That code has expired. Please ask your pharmacy for a new one.
enroll-error-used = That code was already used. Please ask your pharmacy for a new one.

## Sync status
sync-all-sent = All sent to your pharmacy. Last sent at { $time }.
sync-nothing-yet = Connected to your pharmacy.
sync-waiting = { $count ->
    [one] 1 entry is saved on this phone and is being sent.
   *[other] { $count } entries are saved on this phone and are being sent.
}
sync-offline-waiting = { $count ->
    [one] You are offline. 1 entry is saved on this phone. It will be sent when you are back online.
   *[other] You are offline. { $count } entries are saved on this phone. They will be sent when you are back online.
}
sync-offline-nothing-waiting = You are offline. Anything you enter is saved on this phone.
sync-refused = { $count ->
    [one] 1 entry could not be sent. Please tell your pharmacy.
   *[other] { $count } entries could not be sent. Please tell your pharmacy.
}

## Today
nav-today = Back to today
nav-check-in = Do a whole check-in now
today-title = Today
today-greeting = Hello, { $name }.
dose-text = Your dose: { $dose }
slot-daily = Today's dose
slot-morning = Morning dose
slot-evening = Evening dose
dose-take = I took it
dose-take-aria = { $day ->
    [yesterday] I took yesterday's { $slot } of { $drug }
   *[today] I took my { $slot } of { $drug }
}
dose-taken-at = Taken at { $time }
dose-early-question = It is { $now }. This dose is due at { $due }. Did you take it now?
dose-early-yes = Yes, I took it now
dose-early-not-yet = Not yet
dose-take-for = { $patient } took it
dose-take-for-aria = { $day ->
    [yesterday] { $patient } took yesterday's { $slot } of { $drug }
   *[today] { $patient } took the { $slot } of { $drug }
}
dose-early-question-for = It is { $now }. This dose is due at { $due }. Did { $patient } take it now?
dose-early-yes-for = Yes, { $patient } took it now

## Call now (red flags)
call-now-title = Call right away if you have
call-now-body = A fever of { $fever } or higher, shaking chills, bleeding that will not stop, trouble breathing, chest pain, or diarrhea or vomiting that does not stop. If it is an emergency, call 911.
call-now-pharmacy = Call your pharmacy: { $phone }
call-now-after-hours = Nights and weekends: { $phone }

## Check-in
check-in-title = How are you feeling?
check-in-title-for = How is { $patient } feeling?
check-in-intro = A few questions about the last 7 days. It takes about 2 minutes. Your pharmacy team reviews answers during opening hours, not at once. This is not for emergencies: if you need help now, call.
check-in-next = Next
check-in-back = Back
check-in-skip = Skip this question
check-in-safety-title = First, your safety
check-in-emergency-legend = Do you have any of these right now?
check-in-emergency-hint = Tick any that are true. If none are, go on.
check-in-temperature-legend = Your temperature
check-in-temperature-label = If you took your temperature today, type it here (optional)
check-in-temperature-hint = For example 37.2 (°C) or 99.0 (°F).
check-in-temperature-unit = Temperature unit
check-in-temperature-invalid = Please type a temperature like 37.5 °C or 99.5 °F, or leave it empty.
check-in-temperature-other-unit = { $typed } { $typed_unit } is not a body temperature. Did you mean { $typed } { $other_unit }? Choose { $other_unit }, or check the number.
check-in-progress = Symptom { $current } of { $total }
check-in-no-items = There are no symptom questions for you yet.
check-in-note-title = Anything else?
check-in-note-label = Tell us about anything else that is bothering you (optional)
check-in-submit = Send to my pharmacy
check-in-note-too-long = Please keep your note under { $max } characters.
check-in-thanks = Thank you
check-in-saved = Your answers are saved on this phone. They will be sent to your pharmacy when you are online.
check-in-sent = Your answers were sent to your pharmacy team.
check-in-continue-after-red-flag = After your call: answer the other questions
red-flag-title = Call your pharmacy now
red-flag-because = You told us about:
red-flag-emergency = If you cannot reach them, or it feels like an emergency, call 911 or go to the nearest emergency room.
red-flag-saved-offline = Your report is saved on this phone and marked urgent. It will be sent as soon as you are online. Do not wait for it: call now.
red-flag-sent = Your report was sent to your pharmacy marked urgent. Please call them now too.
check-in-stools-title = Bowel movements
check-in-stools-label = In the last 2 days, on your worst day, how many more stools (bowel movements) than usual did you have?
check-in-stools-hint = Type 0 if you had no more than usual. Leave it empty if you do not know.
check-in-stools-invalid = Type a number from 0 to { $max }, or leave it empty.
check-in-diarrhea-at-night = Did diarrhea wake you up at night in the last 2 days?
check-in-yes = Yes
check-in-no = No
check-in-more-title = A few more questions
check-in-note-hint = Your pharmacy team reads notes during opening hours. For anything urgent, call them instead.
result-call-911-title = Call 911 now
result-call-911-button = Call 911
result-within-a-day-title = Your pharmacy will look at this within a day
result-because = What you told us:
result-reason-note = Your note
result-take-temperature = Take your temperature now. If you have no thermometer, or it is high, call your pharmacy now.
self-care-title = What you can do now
self-care-call-if = Call if:

## Pharmacist
login-title = Pharmacist sign-in
login-username = Username
login-password = Password
login-submit = Sign in
login-error-disabled = This account is turned off. Ask your site admin.
login-error-credentials = The username or password is not right.
second-factor-title = Enter your sign-in code
second-factor-code-label = 6-digit code from your authenticator app
second-factor-code-hint = Open the authenticator app on your phone and type the code it shows for Carepath. Each code works once.
second-factor-recovery-label = Recovery code
second-factor-recovery-hint = One of the recovery codes you kept when you set up the app. Each works once.
second-factor-use-recovery = Use a recovery code instead
second-factor-use-app = Use the code from my app instead
second-factor-lost-phone = Lost your phone and your recovery codes? Ask your site admin to reset your second step.
second-factor-cancel = Cancel and sign out
second-factor-continue = Continue to the desk
second-factor-error-code = That code is not right, or it was already used. Type the newest code your app shows.
second-factor-error-expired = Signing in took too long. Please start again with your password.
second-factor-setup-title = Set up the second step for signing in
second-factor-setup-intro = Patients' health information needs more than a password. From now on, each sign-in asks for your password and a code from an authenticator app on your phone.
second-factor-setup-scan = Open an authenticator app on your phone, add an account and scan this QR code.
second-factor-setup-qr-label = QR code to add Carepath to your authenticator app
second-factor-setup-key = Cannot scan it? Add the account by typing this key instead:
second-factor-setup-submit = Turn on
second-factor-codes-title = Keep your recovery codes
second-factor-codes-intro = If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Print them or write them down and keep them somewhere safe. They are shown only now.
second-factor-codes-print = Print the codes
second-factor-codes-kept = I have kept these codes somewhere safe
second-factor-recovery-used-title = You signed in with a recovery code
second-factor-recovery-used = That code cannot be used again. You have { $left ->
    [one] one recovery code
   *[other] { $left } recovery codes
} left. If you lost your phone, ask your site admin to reset your second step.
admin-title = Site admin
admin-only = Only a site admin can see this page. Ask your site admin if you need a change to accounts or settings.
admin-error-username-taken = That username is taken. Choose another one.
site-admin-error-invalid = Check what you typed: a username has 3 to 64 letters a–z, digits, dots, dashes or underscores; a password 12 to 128 characters; the fever threshold is 37.5 to 38.3 °C; the window 0 to 720 hours; phone numbers need their digits. You cannot turn off your own account.
admin-accounts-title = Accounts
admin-account-name = Name
admin-account-state = Account
admin-account-last-sign-in = Last sign-in
admin-account-actions = Actions
admin-role-admin = Site admin
admin-role-pharmacist = Pharmacist
admin-account-on = active
admin-account-off = turned off
admin-second-step-on = second step set up
admin-second-step-not-yet = second step not set up yet
admin-account-sessions = { $count ->
    [one] signed in on one device
   *[other] signed in on { $count } devices
}
admin-turn-off = Turn off
admin-turn-on = Turn on
admin-reset-second-step = Reset second step
admin-reset-confirm = Reset the second step of { $name }? They are signed out everywhere and set up their authenticator app again at their next sign-in. Do this only once you know it is them asking.
admin-cancel = Cancel
admin-new-title = Add an account
admin-new-name = Full name
admin-new-username = Username
admin-new-username-hint = 3 to 64 letters a–z, digits, dots, dashes or underscores, for example j.doe.
admin-new-password = First password
admin-new-password-hint = 12 to 128 characters. Give it to the person yourself; they set up their authenticator app at their first sign-in.
admin-new-is-admin = Site admin (can also manage accounts and settings)
admin-new-submit = Add the account
admin-new-done = { $name } can now sign in with this username and first password.
admin-sessions-title = Who is signed in
admin-session-started = Signed in
admin-session-seen = Last active
admin-session-in = signed in
admin-session-signing-in = signing in (second step not done)
admin-session-this = This session (you)
admin-session-end = Sign out
admin-session-end-named = Sign out { $name }
admin-site-title = Site settings
admin-site-hint = Patients' phones get these at their next sync.
admin-site-phone = The pharmacy's phone number
admin-site-after-hours = After-hours phone number
admin-site-fever = Fever threshold (°C)
admin-site-fever-hint = 37.5 to 38.3 °C. A temperature at or above it asks the patient to call now.
admin-site-window = Hours an acknowledgement keeps an unchanged symptom quiet
admin-site-window-hint = 0 to 720 hours.
admin-site-submit = Save the settings
admin-site-saved = Saved. Phones get the new settings at their next sync.
admin-audit-title = Audit log
admin-audit-hint = Who did what, for which patient, when and from where. Newest first.
admin-audit-export = Download the last 30 days (CSV)
admin-audit-when = When
admin-audit-who = Who
admin-audit-patient = Patient
admin-audit-what = What
admin-audit-outcome = Outcome
admin-audit-from = From
admin-audit-success = done
admin-audit-failure = refused
admin-audit-limited = refused (too many attempts)
admin-audit-anonymous = not signed in
admin-audit-more = Show older entries
logout = Sign out
pharmacy-title = Review queue
queue-title = New reports
queue-refresh = Refresh
queue-empty = No reports yet.
queue-dose-taken = Dose taken: { $drug } ({ $slot })
enroll-patient-title = Enroll a patient
enroll-patient-name = Patient name (as the patient will see it)
enroll-patient-submit = Enroll and get a code
enroll-patient-invalid = Please check the form: { $reason }
enroll-patient-code-for = Enrollment code for { $name }:
enroll-patient-code-expires = Give this code to the patient. It works once and expires { $time }.

## Medicine guides
nav-guides = Read about your medicines
nav-guides-before-enroll = Read about cancer medicines
guides-title = Medicine guides
guides-intro = Plain facts about cancer medicines you take by mouth. Your pharmacy team is happy to answer any question.
guides-search-label = Find a medicine
guides-search-hint = Type the brand name or the generic name, for example Xeloda or capecitabine.
guides-mine = My medicines
guides-all = All medicines
guides-found = { $count ->
    [one] 1 medicine found.
   *[other] { $count } medicines found.
}
guides-none-found = No medicine matches “{ $query }”. Check the spelling, or ask your pharmacy team.
guides-offline = The guides are not saved on this phone yet. Connect to the internet once to see them. After that, they also open without internet.
guides-back-start = Back to the start page
guide-back-list = All medicine guides
guide-brand-names = Brand names: { $names }
guide-pronunciation = How to say it: { $pronunciation }
guide-general-info = This guide is general information. Your pharmacy team sets your own dose and days.
guide-not-found = We do not have a guide for this medicine yet. Please ask your pharmacy team.
guide-offline = This guide is not saved on this phone yet. Connect to the internet once to open it. After that, it also opens without internet.
guide-your-pharmacy-phone = your pharmacy's phone number
guide-your-after-hours-phone = your pharmacy's after-hours number
guide-topics = More about this medicine
guide-topics-hint = Tap a topic to open it.
guide-teach-back-title = Check what you know
guide-teach-back-intro = Try to answer each question in your own words. Then tap the question to see an answer.
guide-print = Print this guide
text-size-label = Text size
text-size-smaller = Smaller text
text-size-larger = Larger text
guide-section-what_it_is_for = What this medicine is for
guide-section-how_to_take = How to take it
guide-section-schedule = When to take it
guide-section-missed_or_vomited_dose = If you miss a dose or throw up
guide-section-common_side_effects = Common side effects and what helps
guide-section-interactions = Other medicines, vitamins and food
guide-section-storage = How to store it
guide-section-safe_handling = Keeping your home safe
guide-section-disposal = Getting rid of unused medicine
guide-section-pregnancy_and_breastfeeding = Pregnancy and breastfeeding
guide-section-monitoring = Blood tests and visits
guide-section-refills_and_costs = Refills and help with costs
guide-section-who_to_call = Who to call
guide-section-special_programs = Special programs
queue-guide-viewed = Opened the guide: { $drug }

## Red flags and alert reasons (ids from carepath_domain::triage)
red-flag-fever = Fever of { $celsius } °C ({ $fahrenheit } °F)
reason-red-flag = Red flag: { $flag }
reason-grade-three = { $term }: { $grade } (grade { $number })
reason-worsened = { $term }: worse than at the last check-in, from grade { $from } to grade { $to }
reason-missed-doses = { $count ->
    [1] 1 missed dose
   *[other] { $count } missed doses
} in the last { $days } days
reason-extra-dose = Extra dose taken on { $date }
reason-refill-requested = Refill requested
reason-rule = { $rule }
reason-note = The patient wrote a note
reason-vomited-doses = { $count ->
    [1] 1 dose vomited
   *[other] { $count } doses vomited
} in the last { $hours } hours
action-told-call-911 = Told to call 911
action-told-call-now = Told to call now
action-told-within-a-day = Told to tell the pharmacy within a day
summary-stools = { $count ->
    [1] 1 stool more than usual
   *[other] { $count } stools more than usual
}
summary-diarrhea-at-night = diarrhea at night
grade-0 = none
grade-1 = mild
grade-2 = moderate
grade-3 = severe
queue-check-in = Check-in: { $summary }
queue-message-read = Read a message from the pharmacy
summary-temperature = Temperature { $celsius } °C ({ $fahrenheit } °F)
summary-no-symptoms = no symptoms
summary-no-answers = no symptom questions answered (all skipped)

## Check-in prompt, messages, history
nav-my-check-ins = My check-ins
check-in-due-title = Time for your check-in
check-in-due-title-for = Time for { $patient }'s check-in
check-in-start = Start my check-in
check-in-start-for = Start { $patient }'s check-in
check-in-next-due = Next check-in: { $date }. You can report a symptom at any time.
messages-title = Messages from your pharmacy
messages-new = New
messages-from = { $name }, { $time }
my-check-ins-title = My check-ins
my-check-ins-empty = You have not sent a check-in yet.

## Pharmacist alerts
activity-title = Recent activity
alerts-title = Alerts
alerts-empty = No open alerts. New reports that need a pharmacist appear here.
alerts-link-missing = The alert from your link is not in the queue. It may have been resolved more than { $days } days ago.
alerts-resolved-summary = { $count ->
    [one] 1 alert resolved in the last { $days } days
   *[other] { $count } alerts resolved in the last { $days } days
}
alerts-resolved-done = Alert for { $name } resolved.
alerts-stats-check-ins = { $count ->
    [one] 1 check-in in the last { $days } days
   *[other] { $count } check-ins in the last { $days } days
}
alerts-stats-with-alert = { $count ->
    [one] 1 raised an alert
   *[other] { $count } raised an alert
} ({ $share })
alerts-stats-median = Median time to acknowledge: { $time }
alerts-percent = { $value }%
alert-tier-urgent = Urgent
alert-tier-routine = Routine
alert-state-resolved = Resolved
alert-raised-heading = Alert of { $time }
alert-check-in = Answers: { $summary }
alert-reported = Reported { $time }
alert-received = Received { $time }
alert-not-acknowledged = Not acknowledged yet
alert-acknowledged = Acknowledged by { $name }, { $time } ({ $after } after it came in)
alert-resolved-by = Resolved by { $name }, { $time }
alert-duration-minutes = { $minutes } min
alert-duration-hours = { $hours } h { $minutes } min
alert-duration-days = { $days } d { $hours } h
alert-notes-title = Notes
alert-note-meta = { $name }, { $time }
alert-replies-title = Replies to the patient
alert-reply-meta = From { $name }, sent { $time }
alert-read = Read { $time }
alert-not-read = Not read yet
alert-acknowledge = Acknowledge
alert-acknowledged-done = Acknowledged.
alert-note-label = Add a note
alert-note-hint = Only the pharmacy team sees notes. Adding a note also acknowledges the alert.
alert-note-submit = Add note
alert-note-added = Note added.
alert-reply-label = Reply to { $name }
alert-reply-hint = The patient sees it on their phone the next time it connects. Sending a reply also acknowledges the alert.
alert-reply-submit = Send to patient
alert-reply-sent = Sent. The patient will see it the next time their phone connects.
alert-resolve = Resolve
alert-error-empty = Please write something first.
alert-error-too-long = Please keep it under { $max } characters.
alert-error-invalid = Please check the text: { $reason }
alert-error-not-found = This alert or patient was not found. Refresh the page and try again.
timeline-title = Patient
timeline-back = Back to the review queue
timeline-retry = Try again
timeline-refresh = Refresh
timeline-not-found = We could not find this patient. They may belong to another pharmacy site.
timeline-trends-title = Symptoms over time
timeline-trends-hint = The grade of each symptom at each check-in: none, mild, moderate or severe.
timeline-no-check-ins = No check-ins yet.
timeline-no-symptoms = No symptoms graded in the check-ins yet.
timeline-temperature-title = Temperature readings
timeline-temperature-reading = { $celsius } °C ({ $fahrenheit } °F)
timeline-check-ins-summary = { $count ->
    [one] The check-in in words (1)
   *[other] All check-ins in words ({ $count })
}
timeline-alerts-title = Alerts
timeline-no-alerts = No alerts for this patient.
timeline-messages-title = Messages to the patient
timeline-no-messages = No messages yet.
timeline-reply-hint = The patient sees it on their phone the next time it connects.
trend-summary = { $name }: { $count ->
    [one] 1 check-in
   *[other] { $count } check-ins
}, latest { $latest }, highest { $highest }
trend-table-caption = { $name } at each check-in
trend-date = Date
trend-grade = Grade
trend-grade-value = { $grade } ({ $number })
trend-empty = No answers yet.
cadence-label = Check-in reminder
cadence-hint = How often the patient's phone asks how they are feeling.
cadence-3 = Every 3 days
cadence-7 = Every week
cadence-14 = Every 2 weeks
cadence-28 = Every 4 weeks

## Pharmacist alerts (more)
alerts-reload = Check for new alerts
my-check-ins-trends = How your symptoms changed
my-check-ins-list = Every check-in, newest first
alerts-notices-failing = { $count ->
    [one] 1 urgent-alert message to the team (chat or email) could not be delivered yet. Check this page often until it is fixed, and tell whoever runs Carepath.
   *[other] { $count } urgent-alert messages to the team (chat or email) could not be delivered yet. Check this page often until they are fixed, and tell whoever runs Carepath.
}
cadence-save = Save
cadence-saved = Saved: { $choice }. The patient's phone uses it from its next connection.

## Regimen in words (pharmacist and patient)
regimen-tablets = { $count ->
    [one] 1 tablet
   *[other] { $count } tablets
}
regimen-tablets-fraction = { $whole ->
    [0] ½ tablet
   *[other] { $whole }½ tablets
}
regimen-amount-mg = { $mg } mg
regimen-amount-mg-tablets = { $mg } mg ({ $tablets })
regimen-food-any = With or without food
regimen-food-with = With a meal
regimen-pattern-continuous = Every day
regimen-pattern-cycles-no-break = Every day, counted in { $on }-day cycles
regimen-pattern-on-off = { $on ->
    [one] 1 day on
   *[other] { $on } days on
}, then { $off ->
    [one] 1 day off
   *[other] { $off } days off
}
regimen-pattern-days = { $days }
regimen-pattern-weekly = Once a week on { $day }
regimen-list-and = { $first } and { $last }
regimen-weekday-mon = Monday
regimen-weekday-tue = Tuesday
regimen-weekday-wed = Wednesday
regimen-weekday-thu = Thursday
regimen-weekday-fri = Friday
regimen-weekday-sat = Saturday
regimen-weekday-sun = Sunday
regimen-weekdays-mon = Mondays
regimen-weekdays-tue = Tuesdays
regimen-weekdays-wed = Wednesdays
regimen-weekdays-thu = Thursdays
regimen-weekdays-fri = Fridays
regimen-weekdays-sat = Saturdays
regimen-weekdays-sun = Sundays
regimen-slot-daily = Once a day
regimen-slot-morning = Morning
regimen-slot-evening = Evening
regimen-slot-dose = { $slot } at { $time }: { $amount }
regimen-change-dose = Dose changed from { $date }: { $doses }
regimen-change-hold-until = On hold from { $from } until { $until }
regimen-change-hold-open = On hold from { $from } until the care team says to restart
regimen-change-resume = Restart on { $date }
regimen-change-stop = Stopped on { $date }
regimen-change-cycle = Cycle { $number } starts on { $date }
regimen-change-time-zone = Time zone changed to { $tz } from { $date }

## Regimen form (enroll, change dose)
regimen-form-drug = Drug name
regimen-form-strength = Strength
regimen-form-strength-hint = As on the box, for example 500 mg tablets.
regimen-form-times = Times a day
regimen-form-once = Once a day
regimen-form-twice = Twice a day (morning and evening)
regimen-form-dose-daily = The daily dose
regimen-form-dose-morning = Morning dose
regimen-form-dose-evening = Evening dose
regimen-form-amount-hint = Milligrams, tablets or both. Halves of tablets are allowed, for example 2.5.
regimen-form-mg = Milligrams (mg)
regimen-form-tablets = Tablets
regimen-form-time = Time
regimen-form-food = Food
regimen-form-pattern = Which days
regimen-form-pattern-continuous = Every day
regimen-form-pattern-on-off = In cycles: days on, then days off
regimen-form-pattern-days = Certain days of the week
regimen-form-pattern-weekly = Once a week
regimen-form-cycle-preset = Common cycles
regimen-form-cycle-custom = Other (type the days below)
regimen-form-days-on = Days on
regimen-form-days-off = Days off
regimen-form-weekdays = Days of the week
regimen-form-weekly-day = Day of the week
regimen-form-start = Start date (day 1)
regimen-form-first-cycle = First cycle number
regimen-form-first-cycle-hint = Usually 1. Higher if the patient is already part-way through treatment.
regimen-form-time-zone = Time zone
regimen-form-time-zone-hint = Doses are due at their times in this time zone, for example America/New_York.
regimen-error-drug = Enter the drug name.
regimen-error-strength = Enter the strength, for example 500 mg tablets.
regimen-error-too-long = This is too long: { $max } characters at most.
regimen-error-mg = Milligrams must be a whole number, for example 1500.
regimen-error-tablets = Tablets must be a number in halves, for example 3 or 2.5.
regimen-error-amount = Enter milligrams, tablets or both.
regimen-error-time = Enter a time, for example 08:00.
regimen-error-days-on = Days on must be a whole number, 1 or more.
regimen-error-days-off = Days off must be a whole number, 0 or more.
regimen-error-weekdays = Choose at least one day.
regimen-error-date = Enter a date.
regimen-error-cycle = The cycle number must be a whole number, 1 or more.
regimen-error-time-zone = We do not know this time zone. Use a name like America/New_York.
regimen-error-other = Please check the form: { $reason }

## Diary outcomes in words
regimen-outcome-taken = Taken
regimen-outcome-taken-late = Taken late
regimen-outcome-missed = Missed
regimen-outcome-skipped = Skipped: { $reason }
regimen-outcome-vomited = Taken, then vomited
regimen-outcome-extra = Extra dose
regimen-outcome-entered-in-error = Logged by mistake (undone)
regimen-skip-side-effects = side effects
regimen-skip-forgot = forgot
regimen-skip-care-team = the care team said to skip it
regimen-skip-ran-out = ran out
regimen-skip-other = another reason
admin-queue-dose-logged = Diary: { $drug } ({ $slot }): { $outcome }
admin-queue-refill-requested = Refill requested: { $drug }

## Dosing diary (Today and the diary screen)
nav-diary = My dosing diary
today-caregiver-greeting = Hello, { $name }. You are logging doses for { $patient }.
diary-title = My dosing diary
diary-no-regimen = Your pharmacy has not set up your medicine plan yet. Please call them.
diary-schedule-error = This plan could not be read on this phone. Please call your pharmacy before your next dose.
diary-held-title = On hold.
diary-held-body = Your care team paused { $drug } on { $date }. Do not take it until they tell you to start again.
diary-off-day-title = Rest day.
diary-off-day-body = Day { $day } of cycle { $cycle }. No { $drug } today.
diary-cycle-day = Day { $day } of { $length }
diary-cycle-day-break = Day { $day } of { $length } · break starts { $date }
diary-not-started = This medicine has not started yet.
diary-stopped = Your care team stopped { $drug } on { $date }. Do not take it.
diary-yesterday-title = Not logged yesterday
diary-outcome-at = { $outcome } · { $time }
diary-logged-by = Logged by { $name }
diary-change = Change
diary-other = Something else
diary-other-legend = What happened with this dose?
diary-other-aria = { $day ->
    [yesterday] Something else about yesterday's { $slot }
   *[today] Something else about my { $slot }
}
diary-change-aria = { $day ->
    [yesterday] Change yesterday's { $slot }
   *[today] Change my { $slot }
}
diary-undo = Undo
diary-undo-aria = { $day ->
    [yesterday] Undo what was logged for yesterday's { $slot }
   *[today] Undo what was logged for my { $slot }
}
diary-choice-mistake = I logged this by mistake
diary-time-unknown = I don't know the time
diary-outcome-time-unknown = { $outcome } · time not known
diary-correct-legend = Correct this dose. The first record stays in your diary, marked as corrected.
diary-choice-taken-at = I took it at another time
diary-choice-missed = I missed it
diary-choice-skipped = I skipped it on purpose
diary-choice-vomited = I took it, then threw up
diary-choose = Choose what happened.
diary-time-label = Time you took it
diary-time-future = That time has not come yet. Check the time.
diary-time-invalid = Enter the time, for example 08:30.
diary-reason-label = Why did you skip it?
diary-vomited-advice = Do not take another dose unless your care team tells you to. Take the next dose at the usual time.
diary-save = Save
diary-cancel = Cancel
diary-extra-open = I took an extra dose
diary-extra-open-for = { $patient } took an extra dose
diary-extra-advice = An extra dose can be harmful with this medicine. Your pharmacy will be told. If you feel unwell, call them now.
diary-extra-save = Save extra dose
diary-extra-recorded = Extra dose saved. Your pharmacy will be told. Call them if you feel unwell.
diary-change-notice = Your pharmacy changed your plan on { $date }:
diary-change-ask = Questions? Call your pharmacy.
diary-change-ok = OK, I understand
change-today = Today: { $plan }.
change-next-from = From { $date }: { $plan }.
change-next-restart = Next: wait until your care team tells you to start again. Then take { $doses }.
change-plan-take = take { $doses }
change-plan-dose = { $amount } { $slot ->
    [morning] in the morning
    [evening] in the evening
   *[daily] once a day
}
change-plan-held = do not take { $drug }: it is on hold
change-plan-off = a rest day, no { $drug }
change-plan-stopped = do not take { $drug } any more
change-plan-not-started = { $drug } has not started yet
diary-change-list = What changed:
diary-supply-until = Your medicine should last until { $date }.
diary-refill-due = You may run out around { $date }. Ask for a refill now.
diary-refill-request = Request a refill
diary-refill-requested = Refill requested { $date }. Your pharmacy will contact you.
diary-history = All records
diary-history-empty = Nothing logged yet.
diary-corrected = corrected

## Diary calendar, adherence figures and upcoming doses
calendar-status-taken = taken
calendar-status-partial = partly taken
calendar-status-missed = missed
calendar-status-not-logged = not recorded
calendar-status-held = on hold (no doses)
calendar-status-off = rest day
calendar-status-today = today
calendar-status-upcoming = coming up
calendar-status-stopped = stopped
calendar-status-not-started = before treatment started
calendar-short-taken = Taken
calendar-short-partial = Part
calendar-short-missed = Missed
calendar-short-not-logged = No entry
calendar-short-held = Hold
calendar-short-off = Rest
calendar-short-today = Today
calendar-short-upcoming = Due
calendar-short-stopped = Stop
calendar-short-not-started = Before
calendar-legend-title = Key
calendar-legend-taken = Taken: every dose that day
calendar-legend-partial = Partly taken: some of the doses
calendar-legend-missed = Missed: recorded as not taken
calendar-legend-not-logged = Not recorded: nothing written in the diary
calendar-legend-held = On hold: the care team paused this medicine
calendar-legend-off = Rest day: no doses
calendar-legend-today = Today: doses still to take or to record
calendar-legend-upcoming = Coming up: doses to take
calendar-legend-stopped = Stopped: the care team stopped this medicine
calendar-legend-not-started = Before treatment started
calendar-legend-extra = Extra dose recorded: more than prescribed
calendar-doses-of = { $taken } of { $expected ->
    [one] 1 dose
   *[other] { $expected } doses
}
calendar-doses-due = { $count ->
    [one] 1 dose
   *[other] { $count } doses
}
calendar-extra = extra dose recorded
calendar-day = { $date }: { $details }
calendar-title-cycle = Cycle { $cycle }: { $from } to { $to }
calendar-title-weeks = Weeks { $first } to { $last }: { $from } to { $to }
calendar-previous-cycle = Previous cycle
calendar-next-cycle = Next cycle
calendar-previous-weeks = Earlier weeks
calendar-next-weeks = Later weeks
calendar-error = The calendar cannot be shown: the pharmacy needs to check the treatment plan.
adherence-last-7 = Last 7 days
adherence-last-30 = Last 30 days
adherence-cycle = Cycle { $cycle } so far
adherence-of = { $taken } of { $expected ->
    [one] 1 dose
   *[other] { $expected } doses
} taken ({ $percent }%)
adherence-none-due = None due before today
adherence-none-yet = Your figures start once a day with doses is over.
adherence-extra-count = { $count ->
    [one] 1 extra dose
   *[other] { $count } extra doses
}
adherence-extra-patient = An extra dose was recorded. Taking more than prescribed can be harmful. Please tell your care team.
adherence-extra-pharmacist = Extra doses were recorded (more than prescribed). Check with the patient.
adherence-pdc = Days covered by medicine dispensed (PDC)
adherence-pdc-value = { $covered } of { $days } days ({ $percent }%)
adherence-pdc-adherent = adherent (≥ 80%)
adherence-pdc-below = below 80%
adherence-run-out = Medicine expected to run out
adherence-refill-due = time to ask for a refill
adherence-note = Doses taken out of doses due, up to yesterday: today's doses count once the day is over. Rest days and days on hold are not counted.
upcoming-today = Today, { $date }
upcoming-tomorrow = Tomorrow, { $date }
upcoming-days = { $from } to { $to }: the same each day
upcoming-nothing = No doses this day.
upcoming-off = { $drug }: rest day, no doses
upcoming-held = { $drug }: on hold since { $since }. Do not take it until your care team says to restart.
upcoming-stopped = { $drug }: stopped from this day. Do not take any more.
upcoming-unreadable = The plan for { $drug } cannot be shown. Please call your pharmacy.

## Regimen admin (pharmacist's patient page)
admin-no-lines = No treatment plan is recorded for this patient.
admin-status-today = Today, { $date }: { $status }
admin-status-taking = cycle { $cycle }, day { $day }, doses due
admin-status-off = cycle { $cycle }, day { $day }, a rest day
admin-status-held = on hold since { $date }
admin-status-stopped = stopped on { $date }
admin-status-not-started = starts on { $date }
admin-status-unreadable = The plan cannot be worked out: { $reason }
admin-plan-title = The plan
admin-dose-food = { $dose }. { $food }
admin-plan-pattern = Which days: { $pattern }
admin-plan-start = Day 1: { $date } (cycle { $cycle })
admin-plan-time-zone = Time zone: { $tz }
admin-actions-title = Change the plan
admin-history-title = Changes by the care team
admin-history-empty = No changes yet.
admin-history-by = Recorded { $time } by { $name }
admin-hold = Put on hold
admin-hold-review = Review the hold
admin-hold-from = Hold from
admin-hold-until = Last day on hold (optional)
admin-hold-until-hint = Leave it empty to hold until you restart it.
admin-resume = Restart
admin-resume-review = Review the restart
admin-resume-on = Restart on
admin-resume-held-since = On hold since { $date }.
admin-dose = Change the dose
admin-dose-review = Review the new dose
admin-dose-from = New dose from
admin-cycle = Start a new cycle
admin-cycle-review = Review the new cycle
admin-cycle-on = Cycle starts on
admin-cycle-number = Cycle number
admin-stop = Stop this medicine
admin-stop-review = Review the stop
admin-stop-on = Stop from
admin-stop-warning = A stop is final: no other change can be recorded after it.
admin-confirm = This will record: { $change }. Is that right?
admin-confirm-yes = Yes, record it
admin-confirm-no = Go back
admin-saved = Recorded: { $change }. The patient's phone shows it after its next connection.
admin-error-invalid = This does not fit the plan: { $reason }
admin-error-date = Enter a date.
admin-error-cycle = The cycle number must be a whole number, 1 or more.
admin-error-hold-order = The last day on hold cannot be before the first.
admin-diary-title = Dosing diary
admin-diary-empty = Nothing logged yet.
admin-diary-item = { $date }, { $slot }: { $outcome }
admin-diary-time-unknown = (time not known)
admin-diary-at = at { $time }
admin-diary-logged-by = logged by { $name }
admin-diary-corrected = corrected
admin-diary-correction = correction
dispense-title = Dispensed
dispense-none = No dispenses recorded yet.
dispense-item = { $date }: { $tablets ->
    [one] 1 tablet
   *[other] { $tablets } tablets
} for { $days ->
    [one] 1 day
   *[other] { $days } days
}, recorded by { $name }
dispense-date = Date dispensed
dispense-tablets = Tablets dispensed
dispense-days = Days' supply
dispense-submit = Record dispense
dispense-saved = Dispense recorded.
dispense-error-tablets = Enter the number of tablets, 1 to 1500.
dispense-error-days = Enter the days' supply, 1 to 180.
dispense-refill-label = Refill reminder (days before the medicine runs out)
dispense-refill-hint = The patient's app offers "Request a refill" this many days before the medicine is expected to run out: 0 to 30.
dispense-refill-save = Save reminder
dispense-refill-saved = Saved: { $days ->
    [one] 1 day
   *[other] { $days } days
} before.
dispense-refill-error = Enter a whole number from 0 to 30.
dispense-requests-title = Refill requests
dispense-request-item = Requested { $time }

## Caregivers: reported by, message audience (issue #14 item 4)
desk-reported-by = Reported by { $name }
queue-sharing-on = Lets caregivers read all messages
queue-sharing-off = Caregivers read only the messages addressed to them
desk-reply-to-caregivers = Caregivers can read this too
desk-reply-to-caregivers-hint = Left unticked, it is for the patient only (unless the patient lets caregivers read all messages).
desk-message-to-caregivers = Caregivers can read this
desk-sharing-on = The patient lets caregivers read messages (chosen { $time }).
desk-sharing-off = The patient has not let caregivers read messages: caregivers see only those addressed to them.
messages-sharing-title = Your caregivers
messages-sharing-option = Let my caregivers read my messages
messages-sharing-hint = Then the people who help you can read, on their own phones, every message from your pharmacy and what you write. When this is off, they see only the messages your pharmacy writes to them too.
messages-sharing-saved-on = Saved. Your caregivers will be able to read your messages.
messages-sharing-saved-off = Saved. Your caregivers will see only the messages written to them too.
messages-caregiver-sees-all = { $patient } lets you read all their messages with the pharmacy.
messages-caregiver-sees-addressed = You see the messages the pharmacy writes to caregivers too, and what caregivers write.
caregiver-title = Caregivers
caregiver-intro = A caregiver can log doses for the patient on their own phone, with their own code.
caregiver-none = No caregivers yet.
caregiver-name = Caregiver's name
caregiver-name-hint = As the patient will see it, for example Maria (daughter).
caregiver-add = Add caregiver
caregiver-error-name = Enter the caregiver's name.
caregiver-code-for = Code for { $name }:
caregiver-code-expires = Give this code to the caregiver. It works once and expires { $time }.
caregiver-added = Added { $time }
caregiver-devices = { $count ->
    [one] 1 phone connected
   *[other] { $count } phones connected
}
caregiver-revoked = Access revoked { $time }
caregiver-revoke = Revoke
caregiver-revoke-aria = Revoke access for { $name }
caregiver-revoke-confirm = Revoke { $name }'s access? Their phone will stop sending and receiving this patient's records.
caregiver-revoke-yes = Yes, revoke access
caregiver-revoke-no = Keep access
caregiver-revoke-done = Access revoked for { $name }.

## Several people on one phone
nav-add-person = Add another person on this phone
add-person-title = Add another person
add-person-intro = If you also help someone else with their medicine, or share this phone, enter the code the pharmacy gave for that person. Each person's diary stays separate.
profile-switch-label = Whose diary
profile-label-caregiver = { $patient } (you help as { $caregiver })

## Dose reminders
reminders-title = Dose reminders
reminders-intro = Carepath can remind you on this phone when it is time for a dose, even when the app is closed. A reminder only says that a dose is due: it never shows the name of your medicine.
reminders-intro-caregiver = Carepath can tell you on this phone when a dose has not been logged some time after it was due, even when the app is closed. The message never shows the name of the medicine.
reminders-in-app = While Carepath is open, a reminder also shows at the top of this screen.
reminders-turn-on = Turn on reminders
reminders-busy = Turning on…
reminders-are-on = Reminders are on for this phone.
reminders-save = Save reminder settings
reminders-turn-off = Turn off reminders
reminders-on-done = Reminders are on.
reminders-saved = Your reminder settings are saved.
reminders-off-done = Reminders are off on this phone.
reminders-permission-dismissed = Notifications were not allowed, so reminders are still off. Tap Turn on reminders to be asked again.
reminders-error-offline = Reminders could not be turned on because there is no connection. Please try again when you are online.
reminders-error-browser = This browser could not set up reminders. Please try again later, or set an alarm on your phone for your doses.
reminders-error-server = Reminders could not be turned on. Please try again later, or set an alarm on your phone for your doses.
reminders-error-partly = Reminders are on, but not yet for: { $names }. Please save again when you are online.
reminders-quiet-legend = Quiet hours (optional)
reminders-quiet-hint = No reminders between these times. A reminder due then comes when the quiet hours end.
reminders-quiet-start = From
reminders-quiet-end = Until
reminders-quiet-incomplete = Enter both times, or leave both empty.
reminders-quiet-same = The two times must be different.
reminders-overdue-label = Tell me when a dose is overdue by this many minutes (optional)
reminders-overdue-hint = From 5 to 720 minutes after the dose time. Leave it empty if you do not want these messages.
reminders-overdue-invalid = Enter a number of minutes from 5 to 720, or leave it empty.
reminders-ios-title = Add Carepath to your Home Screen first
reminders-ios-intro = On iPhone and iPad, reminders only work when Carepath is opened from its icon on the Home Screen.
reminders-ios-step-share = In Safari, tap the Share button (the square with an arrow pointing up).
reminders-ios-step-add = Scroll down, tap Add to Home Screen, then tap Add.
reminders-ios-step-open = Open Carepath from its new icon on your Home Screen, and turn on reminders there.
reminders-ios-code = If Carepath asks for a code when you open it from the Home Screen, ask your pharmacy for a new code.
reminders-unsupported = This browser cannot show reminders when Carepath is closed. Please set an alarm on your phone for your doses.
reminders-denied-title = Notifications are blocked for Carepath
reminders-denied-body = To get reminders, allow notifications again: open your browser's settings, go to Site settings (or Notifications), choose this website, and set Notifications to Allow. Then come back to this screen.
reminders-denied-iphone = On iPhone or iPad: open the Settings app, tap Notifications, tap Carepath, and turn on Allow Notifications.
reminders-snoozed = Reminder snoozed. We will remind you again in { $minutes } minutes.
reminders-snooze-offline = The reminder could not be snoozed because there is no connection. Take your dose now if it is time, or set an alarm on your phone.
reminders-snooze-failed = The reminder could not be snoozed. Take your dose now if it is time, or set an alarm on your phone.
reminders-due-daily = It is time for your dose of { $drug }.
reminders-due-morning = It is time for your morning dose of { $drug }.
reminders-due-evening = It is time for your evening dose of { $drug }.
reminders-due-caregiver-daily = It is time for { $patient }'s dose of { $drug }.
reminders-due-caregiver-morning = It is time for { $patient }'s morning dose of { $drug }.
reminders-due-caregiver-evening = It is time for { $patient }'s evening dose of { $drug }.
reminders-due-at = Due at { $time }.
reminders-show-dose = Show me the dose
reminders-dismiss = OK, hide this

## Adherence on the pharmacist's patient page, upcoming doses on the diary screen
admin-adherence-title = Adherence and calendar
diary-upcoming-title = Coming up: the next 7 days

## Reminders: a caregiver's overdue opt-in, per medicine
reminders-overdue-lines = Tell me about these medicines

## Pharmacist: another medicine for a patient
admin-add-line = Add a medicine
admin-add-line-submit = Add this medicine
admin-add-line-done = Medicine added. The patient's phone gets it at its next sync.

## Guides v2 and food rules
guide-checked = Checked against the US label revised { $revised } · Last reviewed { $reviewed }
guide-call-title = When to get help
guide-call-911 = Call 911
guide-call-911-intro = Call 911 or go to the nearest emergency room if you have any of these:
guide-call-911-button = Call 911
guide-call-now = Call us now
guide-call-now-day-or-night = Call us now, day or night
guide-call-now-care-team = Call your care team now
guide-call-now-intro = Call right away if you have any of these:
guide-call-within-a-day = Tell us within a day
guide-call-within-a-day-intro = Call us within a day if you have any of these:
guide-fever-threshold = { $celsius } °C ({ $fahrenheit } °F)
guide-section-start_here = Start here
guide-section-took_too_much = If you take too much
guide-section-alcohol = Alcohol
guide-section-missed_appointments = If you miss a visit or blood test
regimen-food-after-meal = Within { $within } after a meal
regimen-food-none = No food for { $before } before and { $after } after your dose
regimen-food-none-before = No food for { $before } before your dose
regimen-food-none-after = No food for { $after } after your dose
regimen-food-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}
regimen-food-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
regimen-form-food-kind-after-meal = Soon after a meal
regimen-form-food-kind-no-food = No food before and after
regimen-form-food-minutes-hint = In minutes: 60 is 1 hour, 120 is 2 hours.
regimen-form-food-within = Minutes after the meal, at most
regimen-form-food-before = Minutes without food before the dose
regimen-form-food-after = Minutes without food after the dose
regimen-form-food-from-guide = Food filled in from the { $drug } guide: { $food }. You can change it for each dose.
regimen-error-food-minutes = Type a number of minutes from { $min } to { $max }.
regimen-error-food-no-window = Type how many minutes without food, before or after the dose.

## Sync robustness
sync-storage-large = Carepath keeps { $used } on this phone. Entries already sent are removed after { $days } days.
sync-storage-nearly-full = Carepath keeps { $used } on this phone: { $percent } % of the space this browser allows it. If it fills up, new entries may not be saved. Please tell your pharmacy.

## Desk workstation
desk-nav-label = Desk
desk-patients-title = Patients
desk-title-queue = Review queue – Carepath
desk-title-queue-urgent = ({ $count } urgent) Review queue – Carepath
desk-title-queue-waiting = ({ $count } to review) Review queue – Carepath
desk-title-patients = Patients – Carepath
desk-title-patient = { $name } – Carepath
desk-find-submit = Search
desk-find-all = See all patients
desk-patients-search-label = Search patients
desk-filter-phone = Phone
desk-filter-any = Any
desk-filter-phone-connected = Phone connected
desk-filter-phone-none = No phone connected yet
desk-filter-enrolled = Enrolled
desk-filter-any-time = Any time
desk-filter-enrolled-within = In the last { $days } days
desk-filter-open-alerts = Only patients with open alerts
desk-filters-clear = Clear search and filters
desk-patients-none = No patients enrolled yet. Enroll one on the review queue page.
desk-patients-no-match = No patient matches. Check the spelling, or clear the search and filters.
desk-patients-count = { $count ->
    [one] 1 patient
   *[other] { $count } patients
}
desk-patients-found = { $count ->
    [one] 1 patient found
   *[other] { $count } patients found
}
desk-alerts-more = Show more open alerts ({ $shown } of { $total } shown)
desk-alerts-capped = The { $shown } most pressing of { $total } open alerts are shown. Resolve alerts to see the others.
desk-patients-more = Show more patients
desk-patient-enrolled = Enrolled { $date }
desk-patient-phones = { $count ->
    [one] 1 phone connected
   *[other] { $count } phones connected
}
desk-patient-no-phone = No phone connected yet
desk-patient-no-alerts = No open alerts
desk-patient-alerts = { $count ->
    [one] 1 open alert
   *[other] { $count } open alerts
}
desk-patient-alerts-urgent = { $count ->
    [one] 1 open alert, urgent
   *[other] { $count } open alerts, { $urgent } urgent
}
desk-enrolled-title = { $name } is enrolled
desk-enrolled-saved = What was saved
desk-enrolled-medicine = Medicine
desk-enrolled-doses = Doses
desk-enrolled-days = Which days
desk-enrolled-start = Day 1
desk-enrolled-start-value = { $date } (cycle { $cycle })
desk-enrolled-time-zone = Time zone
desk-enrolled-open = Open { $name }'s page
desk-enroll-amount-mismatch = { $mg } mg does not match { $tablets } of { $strength } mg: that makes { $expected } mg. Check the milligrams or the tablets.
desk-alert-more-queue = Details, notes and reply
desk-alert-more = Details and notes
desk-alert-notes = { $count ->
    [one] 1 note
   *[other] { $count } notes
}
desk-alert-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
desk-alert-more-counts = { $label } ({ $counts })
desk-new-urgent = { $count ->
    [one] New urgent alert:
   *[other] { $count } new urgent alerts:
}
desk-new-urgent-show = Show the alert
desk-new-urgent-dismiss = Dismiss
desk-new-urgent-option = Show a banner when a new urgent alert comes in
desk-patient-no-open-alerts = No open alerts.
desk-patient-resolved-alerts = { $count ->
    [one] 1 resolved alert
   *[other] { $count } resolved alerts
}
desk-older-messages = { $count ->
    [one] 1 older message
   *[other] { $count } older messages
}
desk-trends-summary = { $count ->
    [one] Charts and readings from 1 check-in, on { $time }
   *[other] Charts and readings from { $count } check-ins, the last on { $time }
}

## Messages on Today
messages-unread-title = { $count ->
    [one] New message from your pharmacy
   *[other] { $count } new messages from your pharmacy
}
messages-got-it = Got it

## Two-way messages, message push and the desk's sound cue (#12)
reason-patient-message = Message from the patient
messages-nav = Messages
messages-screen-title = Messages with your pharmacy
messages-thread-title = Your messages
messages-thread-empty = No messages yet.
messages-you = You
messages-waiting = Waiting to send. It will go when your phone is back online.
messages-refused = Not sent: please write it again.
messages-answer = Answer
messages-write-title = Write to your pharmacy
messages-write-label = Your message
messages-reply-label = Your answer to { $name }
messages-write-hint = Up to 1000 letters. Your pharmacy reads messages during opening hours.
messages-not-emergency = This is not for emergencies. If you feel very sick, call your pharmacy now (the numbers are below) or call 911.
messages-send = Send
messages-saved = Saved on your phone. It will be sent to your pharmacy.
messages-error-empty = Please write your message first.
messages-error-long = Your message is too long. Please keep it under 1000 letters.
messages-error-characters = Your message has a character that cannot be sent. Please remove it.
messages-error-storage = Your phone could not save the message. Please try again.
messages-new-question = New question
desk-thread-title = Messages
desk-from-patient = { $name } (patient), { $time }
desk-from-caregiver = { $name } (caregiver of { $patient }), { $time }
desk-patient-wrote = The patient wrote
desk-sound-option = Play a sound for new urgent alerts
queue-message-sent = Message: { $text }

## Knowing the patient: identifiers, patient header, new code and handout (#12)
identity-legend = Who the patient is
identity-dob = Date of birth
identity-mrn = Medical record number (MRN)
identity-phone = Phone number to call back (optional)
identity-phone-hint = Digits, spaces and + - ( ) only.
identity-language = Patient's language
identity-language-hint = The printed handout is in this language.
identity-error-dob-required = Enter the date of birth.
identity-error-dob-unreadable = Enter the date of birth as month, day and year.
identity-error-dob-future = The date of birth cannot be in the future.
identity-error-dob-too-early = Check the date of birth: it is more than 120 years ago.
identity-error-mrn-required = Enter the medical record number (MRN).
identity-error-mrn-too-long = The MRN can be at most 32 characters.
identity-error-characters = This has a character that cannot be used. Type it again.
identity-error-phone = Use only digits, spaces and + - ( ) for the phone number.
identity-error-phone-too-long = The phone number can be at most 32 characters.
identity-error-mrn-taken = Another patient already has this MRN. Check the number, or find that patient in the list. Nothing was saved.
desk-find-hint = Type a date of birth as MM/DD/YYYY.
desk-find-label-any = Find a patient by name, date of birth or MRN
desk-search-label-any = Search by name, date of birth or MRN
desk-patient-identifiers = Born { $born } · MRN { $mrn }
header-title = About this patient
header-not-recorded = not recorded
header-dob = Date of birth
header-dob-value = { $date } (age { $age })
header-mrn = MRN
header-phone = Phone to call back
header-language = Language
header-drugs = Medicines today
header-no-drugs = No medicine yet
header-drug = { $drug }: { $state }
header-drug-taking = cycle { $cycle }, day { $day }
header-drug-off = cycle { $cycle }, day { $day } (rest day)
header-drug-held = on hold since { $date }
header-drug-stopped = stopped { $date }
header-drug-not-started = starts { $date }
header-last-check-in = Last check-in
header-last-dose = Last dose logged
header-none-yet = none yet
header-open-alerts = Open alerts
header-caregivers = Caregivers
header-no-caregivers = none
reissue-title = New code for the patient's phone
reissue-hint = For a lost phone or an expired code. The patient's older codes stop working. Phones already connected keep working: to stop a lost one, remove its access under Phones.
reissue-submit = Make a new code
reissue-busy = Making a code…
reissue-done = New code. Give it to the patient, or print the handout:
handout-open = Print the handout for the patient
handout-page-title = Handout for the patient
handout-back = Back to the patient's page
handout-no-code = The code is not on this screen any more (it is not kept, for safety). Make a new code on the patient's page.
handout-print-hint = Only the handout below is printed, in the patient's language.
handout-print = Print
handout-code-gone = This code no longer works. Make a new code on the patient's page.
handout-title = Your Carepath app
handout-for = For { $name }, from { $site }
handout-qr-alt = Square code. Point your phone's camera at it to open the app.
handout-code-intro = Your code:
handout-expires = Use it before { $time }. It works one time.
handout-address = You can also open this address and type the code:
handout-steps-title = How to start
handout-step-scan = Open the camera on your phone. Point it at the square code. Tap the link that shows up.
handout-step-connect = The app opens with your code filled in. Tap "{ $button }".
handout-home-title = Put the app on your Home Screen
handout-home-iphone = iPhone (Safari): tap the Share button (a square with an arrow). Then tap "Add to Home Screen".
handout-home-android = Android (Chrome): tap the menu (three dots). Then tap "Add to Home screen" or "Install app".
handout-questions = Questions? Call { $site } at { $phone }.

## Worklists, interventions and the program page (#12)
reason-stopped-logging = { $count ->
    [one] Stopped logging doses: 1 expected dose has no record
   *[other] Stopped logging doses: { $count } expected doses have no record
}
intervention-kind-called-patient = Called the patient
intervention-kind-advised-dose-hold = Advised holding a dose
intervention-kind-referred-to-clinic = Referred to the clinic
intervention-kind-referred-to-emergency = Referred to emergency care
intervention-kind-educated-patient = Taught the patient
intervention-kind-contacted-prescriber = Contacted the prescriber
intervention-kind-other = Other
intervention-outcome-resolved = Resolved
intervention-outcome-follow-up-needed = Follow-up needed
intervention-outcome-referred = Referred
intervention-outcome-could-not-reach = Could not reach
intervention-kind-label = What you did
intervention-outcome-label = Outcome
intervention-note-label = Note (optional)
intervention-note-hint = Up to 2000 characters. Stays in the pharmacy record; the patient does not see it.
intervention-document = Document intervention
intervention-also-acknowledge = Also mark the alert as seen
intervention-save = Save intervention
intervention-saved = Intervention saved.
intervention-list-title = Interventions
intervention-none = No interventions documented yet.
intervention-meta = { $name }, { $time }
desk-title-worklists = Worklists – Carepath
desk-title-program = Program – Carepath
worklists-title = Worklists
worklists-hint = Today's follow-up, beside the alert queue. Mark an item done when you have dealt with it; who did it, when and the note are kept.
worklists-choose = Choose a worklist
worklist-follow-up = Follow-up call due
worklist-stopped-logging = Stopped logging
worklist-check-in-overdue = Check-in overdue
worklist-refill = Refills
worklist-low-pdc = Low adherence (PDC)
worklist-follow-up-hint = A medicine started 7 to 14 days ago: call the patient about how the start is going.
worklist-stopped-logging-hint = Expected doses with no record since the last one logged.
worklist-check-in-overdue-hint = The patient's check-in schedule has passed with no check-in.
worklist-refill-hint = A refill is due before the supply runs out, or the patient asked for one.
worklist-low-pdc-hint = Days covered by dispenses under 80 % over the last 30 days.
worklist-item-follow-up = { $drug }: call due since { $date }
worklist-item-stopped-logging = { $count ->
    [one] 1 dose with no record, since { $date }
   *[other] { $count } doses with no record, since { $date }
}
worklist-item-check-in-overdue = Check-in due on { $date }
worklist-item-refill-requested = Asked for a refill on { $date }
worklist-item-refill-due = { $drug }: refill due on { $date }
worklist-item-low-pdc = { $percent } % of days covered in the last 30 days
worklist-empty = Nothing on this list.
worklist-more = Show more
worklist-done = Done
worklist-done-note = Note for the worklist
worklist-done-with-intervention = I made an intervention
worklist-done-save = Mark done
worklist-done-announce = Marked done. It has left the list.
worklist-count = { $list }: { $count }
program-title = Program
program-hint = The figures your practice reports for value-based care, for the pharmacy's own patients.
program-period = Period
program-days = Last { $days } days
program-download-figures = Download the figures (CSV)
program-download-interventions = Download the interventions (CSV)
program-percent = { $value } %
program-period-dates = From { $from } to { $to }
program-check-ins-title = Check-ins and alerts
program-completion = Check-in completion
program-received-of-expected = ({ $received } received of { $expected } expected)
program-alerted = Check-ins raising an alert
program-alerted-count = ({ $count })
program-median-urgent = Median time to acknowledge, urgent
program-median-routine = Median time to acknowledge, routine
program-acknowledged-count = ({ $count } acknowledged)
program-interventions-title = Interventions
program-interventions-total = { $count ->
    [one] 1 intervention documented
   *[other] { $count } interventions documented
}
program-count = Count
program-pdc-title = Adherence (PDC, last 30 days)
program-pdc-hint = Patients by days covered by dispenses. Patients with no dispense recorded are not counted.
program-pdc-band = Days covered
program-patients = Patients
program-pdc-below-50 = Under 50 %
program-pdc-50-79 = 50 to 79 %
program-pdc-80-89 = 80 to 89 %
program-pdc-90 = 90 % or more

## The patient list's filters (#12)
desk-show-label = Show
desk-show-all = All patients
desk-show-no-check-in = No check-in in { $days } days
desk-show-low-adherence = Adherence below 80 % (30 days)
desk-show-refill-due = Refill due
desk-show-on-hold = A medicine on hold
desk-filter-drug = Taking (drug name)

## Issue #14: after hours, "I feel fine", one symptom any time, a shorter Today
weekday-short = { $day ->
    [0] Mon
    [1] Tue
    [2] Wed
    [3] Thu
    [4] Fri
    [5] Sat
   *[6] Sun
}
call-after-hours-now = The pharmacy is closed now. Call the after-hours line: { $phone }
call-pharmacy-opens = Your pharmacy, open { $hours }: { $phone }
call-pharmacy-daytime = Your pharmacy, in the daytime: { $phone }
quick-contact-title = Call or write to your pharmacy
report-symptom-title = Report a symptom
report-symptom-intro = Something new or worse since your last check-in? Choose it here. You do not need to answer the whole check-in.
report-symptom-emergency = If you feel very sick, do not wait: call your pharmacy now or call 911. The numbers are below.
report-symptom-open = Report a symptom now
report-symptom-open-for = Report a symptom for { $patient }
check-in-feeling-fine = I feel fine, nothing new
check-in-feeling-fine-hint = None of these, and nothing new since last time? You can send your check-in now.
summary-feeling-fine = feels fine, nothing new (symptoms not asked)
summary-one-symptom = One symptom, between check-ins: { $report }
nav-more = More
messages-earlier = { $count ->
    [one] Earlier message (1)
   *[other] Earlier messages ({ $count })
}
messages-all = All messages
reminders-change = Change reminder settings
reminders-about = About reminders, and quiet hours
reminders-short = Get a reminder on this phone at each dose time.
reminders-short-caregiver = Be told on this phone when a dose has not been logged.
check-in-due-intro = A few questions about the last 7 days, about 2 minutes.

## Lost or replaced phones (issue #15 item 3): the desk's list of phones
phones-title = Phones
phones-intro = If a phone is lost or replaced, remove its access here: the patient's information is deleted from it when it next connects.
phones-none = No phone has been connected yet.
phones-own = { $name }'s own phone
phones-caregiver = { $name }'s phone (caregiver)
phones-enrolled = Connected { $date }
phones-last-seen = last in touch { $time }
phones-expired = Not in touch for more than { $days } days, so it no longer works. A new code connects it again.
phones-revoked = Access removed { $time }
phones-revoked-caregiver = Access removed { $time }, with the caregiver's access
phones-revoked-phone = Removed on the phone itself { $time }
phones-revoke = Remove access
phones-revoke-aria = Remove access for { $phone }
phones-revoke-confirm = Remove access for { $phone }?
phones-revoke-hint = It stops sending and receiving this patient's records, and the patient's information is deleted from it the next time it connects. Records it has not sent yet are lost. To connect a phone again, make a new code.
phones-revoke-yes = Yes, remove access
phones-revoke-no = Keep access
phones-revoke-busy = Removing access…
phones-revoke-done = Access removed for { $phone }.
phones-error-gone = That phone is no longer on this patient's record. Reload the page.

## Lost or replaced phones: on the phone
profile-ended-revoked = This phone can no longer show { $name }'s diary: your pharmacy removed its access. What this phone kept for { $name } has been deleted. If this is a mistake, ask your pharmacy for a new code.
profile-ended-expired = This phone had not been in touch with your pharmacy for a long time, so it can no longer show { $name }'s diary. What this phone kept for { $name } has been deleted. Ask your pharmacy for a new code to connect it again.
profile-ended-removed = { $name } was removed from this phone.
profile-ended-ok = OK
nav-remove-person = Remove { $name } from this phone
remove-person-title = Remove { $name } from this phone?
remove-person-intro = This deletes { $name }'s diary, check-ins and messages from this phone. Everything already sent stays with your pharmacy.
remove-person-after = After this, this phone cannot record for { $name } any more. To use it for { $name } again, you need a new code from your pharmacy.
remove-person-others = Other people on this phone are not affected.
remove-person-submit = Remove { $name }
remove-person-busy = Sending what is waiting…
remove-person-cancel = Keep { $name } on this phone
remove-person-unsent = { $count ->
    [one] 1 record for { $name } has not reached your pharmacy yet, and it cannot be sent now (the phone may be offline). If you remove { $name } now, it will be lost.
   *[other] { $count } records for { $name } have not reached your pharmacy yet, and they cannot be sent now (the phone may be offline). If you remove { $name } now, they will be lost.
}
remove-person-unsent-hint = You can keep { $name } and try again later, when the phone is online.
remove-person-retry = Try sending again
remove-person-anyway = { $count ->
    [one] Remove and lose 1 record
   *[other] Remove and lose { $count } records
}
remove-person-failed = Something went wrong on this phone. Nothing was deleted. Please try again.

## The app PIN (issue #15 item 9)
nav-pin = Lock this app with a PIN
pin-title = Lock this app with a PIN
pin-intro = With a PIN, what this app keeps on this phone (your diary, check-ins, messages and the link to your pharmacy) is locked with a secret code. Someone who picks up or copies this phone cannot read it without the PIN.
pin-when = The app asks for the PIN each time it opens, and after { $minutes } minutes without use.
pin-call-now-stays = Even when the app is locked, it shows your pharmacy's numbers and when to call right away.
pin-forget-warning = If you forget the PIN, nobody can open the app again, not even your pharmacy. You would need a new code from your pharmacy to connect this phone again, and entries not yet sent would be lost.
pin-waiting = { $count ->
    [one] 1 entry has not been sent to your pharmacy yet. It is safest to send it first.
   *[other] { $count } entries have not been sent to your pharmacy yet. It is safest to send them first.
}
pin-send-now = Send now
pin-new-label = New PIN: 4 to 8 numbers
pin-new-hint = Choose numbers that others would not guess (not your birthday).
pin-again-label = Type the same PIN again
pin-turn-on = Turn on the PIN
pin-busy = One moment…
pin-error-digits = The PIN must be 4 to 8 numbers, with nothing else.
pin-error-different = The two PINs are not the same. Please type them again.
pin-on-done = The PIN is on. Remember it: nobody else can tell it to you.
pin-on-title = This app is locked with a PIN
pin-lock-now = Lock now
pin-off-title = Turn off the PIN
pin-off-intro = Type your PIN to turn it off. What the app keeps on this phone is then no longer locked.
pin-label = Your PIN
pin-turn-off = Turn off the PIN
pin-off-done = The PIN is off.
lock-title = This app is locked
lock-intro = Type your PIN to open your diary.
lock-submit = Unlock
lock-busy = Checking…
lock-wrong = That PIN is not right. Please try again.
lock-wait = { $count } wrong tries. Please wait, then try again at { $time }.
lock-waiting = { $count ->
    [one] 1 entry is saved on this phone. It will be sent to your pharmacy once you unlock the app.
   *[other] { $count } entries are saved on this phone. They will be sent to your pharmacy once you unlock the app.
}
lock-forgot = Forgot the PIN?
forgot-title = Forgot the PIN?
forgot-intro = The PIN is not kept anywhere, not even by your pharmacy, so nobody can tell it to you. To use this app again, delete what it keeps on this phone. Then connect again with a new code from your pharmacy.
forgot-sent-stays = Everything already sent stays with your pharmacy.
forgot-unsent = { $count ->
    [one] 1 entry on this phone has not reached your pharmacy. Deleting loses it. If you may still remember the PIN, try again later.
   *[other] { $count } entries on this phone have not reached your pharmacy. Deleting loses them. If you may still remember the PIN, try again later.
}
forgot-back = Try the PIN again
forgot-delete = { $count ->
    [0] Delete this app's data on this phone
    [one] Delete, and lose 1 entry
   *[other] Delete, and lose { $count } entries
}
forgot-failed = Something went wrong on this phone. Please try again.
