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
nav-check-in = How are you feeling? Report a symptom
today-title = Today
today-greeting = Hello, { $name }.
dose-text = Your dose: { $dose }
slot-daily = Today's dose
slot-morning = Morning dose
slot-evening = Evening dose
dose-take = I took it
dose-take-aria = I took my { $slot } of { $drug }
dose-taken-at = Taken at { $time }

## Call now (red flags)
call-now-title = Call right away if you have
call-now-body = A fever of 38.0 °C (100.4 °F) or higher, chills, bleeding that will not stop, trouble breathing, chest pain, or diarrhea or vomiting that does not stop. If it is an emergency, call 911.
call-now-pharmacy = Call your pharmacy: { $phone }
call-now-after-hours = Nights and weekends: { $phone }

## Check-in
check-in-title = How are you feeling?
check-in-intro = Tell your pharmacy team about a symptom. They will read it and contact you if needed.
check-in-symptom-legend = What is bothering you?
check-in-severity-legend = How bad is it at its worst?
check-in-note-label = Anything else to tell us? (optional)
check-in-submit = Send to my pharmacy
check-in-missing = Please choose a symptom and how bad it is.
check-in-note-too-long = Please keep your note under { $max } characters.
check-in-saved = Thank you. Your report is saved and will be sent to your pharmacy.
symptom-nausea = Nausea (feeling sick to your stomach)
symptom-vomiting = Vomiting (throwing up)
symptom-diarrhea = Diarrhea (loose or watery stools)
symptom-mouth_sores = Mouth sores
symptom-hand_foot_skin = Sore, red or peeling hands or feet
symptom-fatigue = Tiredness
symptom-pain = Pain
symptom-rash = Rash
symptom-other = Something else
severity-0 = None
severity-1 = Mild
severity-2 = Moderate
severity-3 = Severe
severity-4 = Very severe

## Pharmacist
login-title = Pharmacist sign-in
login-username = Username
login-password = Password
login-submit = Sign in
login-error-credentials = The username or password is not right.
logout = Sign out
pharmacy-title = Review queue
queue-title = New reports
queue-refresh = Refresh
queue-empty = No reports yet.
queue-dose-taken = Dose taken: { $drug } ({ $slot })
queue-check-in = Check-in: { $symptom } — { $severity } ({ $value }/4)
enroll-patient-title = Enroll a patient
enroll-patient-name = Patient name (as the patient will see it)
enroll-patient-drug = Drug and strength
enroll-patient-dose = Dose (as written on the label)
enroll-patient-frequency = How often
frequency-once = Once a day
frequency-twice = Twice a day
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
guide-section-call_right_away = When to call right away
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
