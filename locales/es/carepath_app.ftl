# Carepath — español. Cada id debe existir también en locales/en/carepath_app.ftl (una prueba lo comprueba).
app-name = Carepath
skip-to-content = Ir al contenido principal
language-label = Idioma
loading = Cargando…
not-found = Esta página no existe.

## Errores
error-generic = Algo salió mal. Por favor, inténtelo de nuevo.
error-offline = Ahora no hay conexión con la farmacia. Por favor, inténtelo de nuevo en un rato.
error-offline-enroll = Ahora no hay conexión. Necesita internet una vez para conectar este teléfono. Por favor, inténtelo de nuevo en un rato.
error-too-many-attempts = Demasiados intentos. Espere unos minutos y vuelva a intentarlo.
error-signed-out = Su sesión terminó. Por favor, vuelva a entrar.
storage-error = Este teléfono no pudo guardar lo que anotó. Por favor, inténtelo de nuevo. Si sigue pasando, llame a su farmacia.

## Inscripción (paciente)
enroll-title = Conéctese con su farmacia
enroll-intro = Su farmacia le dio un código. Escríbalo aquí para conectar este teléfono con su equipo de atención. Solo se hace una vez.
enroll-code-label = Su código
enroll-code-hint = 8 letras y números, por ejemplo K7QM-4XRT.
enroll-submit = Conectar
enroll-busy = Conectando…
enroll-error-unknown = No encontramos ese código. Revíselo o pida uno nuevo a su farmacia.
enroll-error-expired = Ese código ya venció. Pida uno nuevo a su farmacia.
enroll-error-used = Ese código ya se usó. Pida uno nuevo a su farmacia.

## Estado del envío
sync-all-sent = Todo se envió a su farmacia. Último envío a las { $time }.
sync-nothing-yet = Conectado con su farmacia.
sync-waiting = { $count ->
    [one] 1 anotación está guardada en este teléfono y se está enviando.
   *[other] { $count } anotaciones están guardadas en este teléfono y se están enviando.
}
sync-offline-waiting = { $count ->
    [one] No hay conexión. 1 anotación está guardada en este teléfono. Se enviará cuando vuelva la conexión.
   *[other] No hay conexión. { $count } anotaciones están guardadas en este teléfono. Se enviarán cuando vuelva la conexión.
}
sync-offline-nothing-waiting = No hay conexión. Todo lo que anote se guarda en este teléfono.
sync-refused = { $count ->
    [one] 1 anotación no se pudo enviar. Por favor, avise a su farmacia.
   *[other] { $count } anotaciones no se pudieron enviar. Por favor, avise a su farmacia.
}

## Hoy
nav-today = Volver a hoy
nav-check-in = Hacer un registro completo ahora
today-title = Hoy
today-greeting = Hola, { $name }.
dose-text = Su dosis: { $dose }
slot-daily = Dosis de hoy
slot-morning = Dosis de la mañana
slot-evening = Dosis de la noche
dose-take = Ya la tomé
dose-take-aria = { $day ->
    [yesterday] Ya tomé la { $slot } de ayer de { $drug }
   *[today] Ya tomé mi { $slot } de { $drug }
}
dose-taken-at = Tomada a las { $time }
dose-early-question = Hora actual: { $now }. Esta dosis es a las { $due }. ¿La tomó ahora?
dose-early-yes = Sí, la tomé ahora
dose-early-not-yet = Todavía no
dose-take-for = { $patient } la tomó
dose-take-for-aria = { $day ->
    [yesterday] { $patient } tomó la { $slot } de ayer de { $drug }
   *[today] { $patient } tomó la { $slot } de { $drug }
}
dose-early-question-for = Hora actual: { $now }. Esta dosis es a las { $due }. ¿La tomó { $patient } ahora?
dose-early-yes-for = Sí, { $patient } la tomó ahora

## Llame ya (señales de alarma)
call-now-title = Llame de inmediato si tiene
call-now-body = Fiebre de { $fever } o más, escalofríos fuertes, sangrado que no para, dificultad para respirar, dolor de pecho, o diarrea o vómitos que no paran. Si es una emergencia, llame al 911.
call-now-pharmacy = Llame a su farmacia: { $phone }
call-now-after-hours = Noches y fines de semana: { $phone }

## Síntomas
check-in-title = ¿Cómo se siente?
check-in-title-for = ¿Cómo se siente { $patient }?
check-in-intro = Unas preguntas sobre los últimos 7 días. Toma unos 2 minutos. Su equipo de farmacia revisa las respuestas en su horario de atención, no al momento. No es para emergencias: si necesita ayuda ahora, llame.
check-in-next = Siguiente
check-in-back = Atrás
check-in-skip = Saltar esta pregunta
check-in-safety-title = Primero, su seguridad
check-in-emergency-legend = ¿Tiene ahora alguna de estas cosas?
check-in-emergency-hint = Marque las que tenga. Si no tiene ninguna, siga.
check-in-temperature-legend = Su temperatura
check-in-temperature-label = Si se tomó la temperatura hoy, escríbala aquí (opcional)
check-in-temperature-hint = Por ejemplo 37.2 (°C) o 99.0 (°F).
check-in-temperature-unit = Unidad de temperatura
check-in-temperature-invalid = Escriba una temperatura como 37.5 °C o 99.5 °F, o déjelo vacío.
check-in-temperature-other-unit = { $typed } { $typed_unit } no es una temperatura del cuerpo. ¿Quiso decir { $typed } { $other_unit }? Elija { $other_unit } o revise el número.
check-in-progress = Síntoma { $current } de { $total }
check-in-no-items = Todavía no hay preguntas de síntomas para usted.
check-in-note-title = ¿Algo más?
check-in-note-label = Cuéntenos cualquier otra cosa que le moleste (opcional)
check-in-submit = Enviar a mi farmacia
check-in-note-too-long = Por favor, escriba menos de { $max } caracteres.
check-in-thanks = Gracias
check-in-saved = Sus respuestas están guardadas en este teléfono. Se enviarán a su farmacia cuando tenga conexión.
check-in-sent = Sus respuestas se enviaron a su equipo de farmacia.
check-in-continue-after-red-flag = Después de llamar: conteste las otras preguntas
red-flag-title = Llame a su farmacia ahora
red-flag-because = Usted nos dijo que tiene:
red-flag-emergency = Si no logra comunicarse, o siente que es una emergencia, llame al 911 o vaya a la sala de emergencias más cercana.
red-flag-saved-offline = Su aviso está guardado en este teléfono y marcado como urgente. Se enviará en cuanto tenga conexión. No espere: llame ahora.
red-flag-sent = Su aviso se envió a su farmacia marcado como urgente. Por favor, llámeles también ahora.
check-in-stools-title = Evacuaciones
check-in-stools-label = En los últimos 2 días, en su peor día, ¿cuántas evacuaciones más de lo normal tuvo?
check-in-stools-hint = Escriba 0 si no tuvo más de lo normal. Déjelo vacío si no sabe.
check-in-stools-invalid = Escriba un número de 0 a { $max }, o déjelo vacío.
check-in-diarrhea-at-night = ¿La diarrea lo despertó de noche en los últimos 2 días?
check-in-yes = Sí
check-in-no = No
check-in-more-title = Unas preguntas más
check-in-note-hint = Su equipo de farmacia lee las notas en su horario de atención. Si es algo urgente, llámeles.
result-call-911-title = Llame al 911 ahora
result-call-911-button = Llamar al 911
result-within-a-day-title = Su farmacia revisará esto en el día
result-because = Lo que nos dijo:
result-reason-note = Su nota
result-take-temperature = Tómese la temperatura ahora. Si no tiene termómetro, o la temperatura está alta, llame a su farmacia ahora.
self-care-title = Lo que puede hacer ahora
self-care-call-if = Llame si:

## Farmacéutico
login-title = Acceso para farmacéuticos
login-username = Usuario
login-password = Contraseña
login-submit = Entrar
login-error-disabled = Esta cuenta está desactivada. Pregunte a su administrador del sitio.
login-error-credentials = El usuario o la contraseña no son correctos.
second-factor-title = Escriba su código de acceso
second-factor-code-label = Código de 6 dígitos de su aplicación de autenticación
second-factor-code-hint = Abra la aplicación de autenticación en su teléfono y escriba el código que muestra para Carepath. Cada código sirve una vez.
second-factor-recovery-label = Código de recuperación
second-factor-recovery-hint = Uno de los códigos de recuperación que guardó al configurar la aplicación. Cada uno sirve una vez.
second-factor-use-recovery = Usar un código de recuperación
second-factor-use-app = Usar el código de mi aplicación
second-factor-lost-phone = ¿Perdió el teléfono y los códigos de recuperación? Pida al administrador de su sitio que restablezca su segundo paso.
second-factor-cancel = Cancelar y salir
second-factor-continue = Continuar
second-factor-error-code = Ese código no es correcto o ya se usó. Escriba el código más reciente que muestra su aplicación.
second-factor-error-expired = El acceso tardó demasiado. Empiece de nuevo con su contraseña.
second-factor-setup-title = Configure el segundo paso para entrar
second-factor-setup-intro = La información de salud de los pacientes necesita más que una contraseña. Desde ahora, cada acceso pide su contraseña y un código de una aplicación de autenticación en su teléfono.
second-factor-setup-scan = Abra una aplicación de autenticación en su teléfono, agregue una cuenta y escanee este código QR.
second-factor-setup-qr-label = Código QR para agregar Carepath a su aplicación de autenticación
second-factor-setup-key = ¿No puede escanearlo? Agregue la cuenta escribiendo esta clave:
second-factor-setup-submit = Activar
second-factor-codes-title = Guarde sus códigos de recuperación
second-factor-codes-intro = Si pierde el teléfono, cada uno de estos códigos le permite entrar una vez en lugar de un código de la aplicación. Imprímalos o anótelos y guárdelos en un lugar seguro. Solo se muestran ahora.
second-factor-codes-print = Imprimir los códigos
second-factor-codes-kept = Ya guardé estos códigos en un lugar seguro
second-factor-recovery-used-title = Entró con un código de recuperación
second-factor-recovery-used = Ese código ya no se puede usar. { $left ->
    [one] Le queda un código de recuperación.
   *[other] Le quedan { $left } códigos de recuperación.
} Si perdió el teléfono, pida al administrador de su sitio que restablezca su segundo paso.
admin-title = Administración del sitio
admin-only = Solo un administrador del sitio puede ver esta página. Pida a su administrador si necesita un cambio de cuentas o ajustes.
admin-error-username-taken = Ese nombre de usuario ya existe. Elija otro.
site-admin-error-invalid = Revise lo que escribió: un usuario tiene de 3 a 64 letras a–z, números, puntos, guiones o guiones bajos; una contraseña de 12 a 128 caracteres; el umbral de fiebre es de 37.5 a 38.3 °C; el plazo de 0 a 720 horas; los teléfonos necesitan sus números. No puede desactivar su propia cuenta.
admin-accounts-title = Cuentas
admin-account-name = Nombre
admin-account-state = Cuenta
admin-account-last-sign-in = Último acceso
admin-account-actions = Acciones
admin-role-admin = Administrador del sitio
admin-role-pharmacist = Farmacéutico
admin-account-on = activa
admin-account-off = desactivada
admin-second-step-on = segundo paso configurado
admin-second-step-not-yet = segundo paso aún sin configurar
admin-account-sessions = { $count ->
    [one] con sesión abierta en un dispositivo
   *[other] con sesión abierta en { $count } dispositivos
}
admin-turn-off = Desactivar
admin-turn-on = Activar
admin-reset-second-step = Restablecer el segundo paso
admin-reset-confirm = ¿Restablecer el segundo paso de { $name }? Se cierran todas sus sesiones y vuelve a configurar su aplicación de autenticación en su próximo acceso. Hágalo solo cuando sepa que es esa persona quien lo pide.
admin-cancel = Cancelar
admin-new-title = Agregar una cuenta
admin-new-name = Nombre completo
admin-new-username = Usuario
admin-new-username-hint = De 3 a 64 letras a–z, números, puntos, guiones o guiones bajos, por ejemplo j.perez.
admin-new-password = Primera contraseña
admin-new-password-hint = De 12 a 128 caracteres. Entréguela usted a la persona; configura su aplicación de autenticación en su primer acceso.
admin-new-is-admin = Administrador del sitio (también gestiona cuentas y ajustes)
admin-new-submit = Agregar la cuenta
admin-new-done = { $name } ya puede entrar con este usuario y su primera contraseña.
admin-sessions-title = Quién tiene sesión abierta
admin-session-started = Entró
admin-session-seen = Última actividad
admin-session-in = con sesión abierta
admin-session-signing-in = entrando (falta el segundo paso)
admin-session-this = Esta sesión (usted)
admin-session-end = Cerrar sesión
admin-session-end-named = Cerrar la sesión de { $name }
admin-site-title = Ajustes del sitio
admin-site-hint = Los teléfonos de los pacientes los reciben en su próxima sincronización.
admin-site-phone = Teléfono de la farmacia
admin-site-after-hours = Teléfono fuera de horario
admin-site-fever = Umbral de fiebre (°C)
admin-site-fever-hint = De 37.5 a 38.3 °C. Una temperatura igual o mayor pide al paciente que llame ahora.
admin-site-window = Horas que una confirmación mantiene en silencio un síntoma sin cambios
admin-site-window-hint = De 0 a 720 horas.
admin-site-submit = Guardar los ajustes
admin-site-saved = Guardado. Los teléfonos reciben los ajustes nuevos en su próxima sincronización.
admin-audit-title = Registro de auditoría
admin-audit-hint = Quién hizo qué, para qué paciente, cuándo y desde dónde. Lo más reciente primero.
admin-audit-export = Descargar los últimos 30 días (CSV)
admin-audit-when = Cuándo
admin-audit-who = Quién
admin-audit-patient = Paciente
admin-audit-what = Qué
admin-audit-outcome = Resultado
admin-audit-from = Desde
admin-audit-success = hecho
admin-audit-failure = rechazado
admin-audit-limited = rechazado (demasiados intentos)
admin-audit-anonymous = sin sesión
admin-audit-more = Mostrar entradas anteriores
logout = Salir
pharmacy-title = Lista de revisión
queue-title = Avisos nuevos
queue-refresh = Actualizar
queue-empty = Todavía no hay avisos.
queue-dose-taken = Dosis tomada: { $drug } ({ $slot })
enroll-patient-title = Inscribir a un paciente
enroll-patient-name = Nombre del paciente (como lo verá el paciente)
enroll-patient-submit = Inscribir y obtener un código
enroll-patient-invalid = Revise el formulario: { $reason }
enroll-patient-code-for = Código de inscripción para { $name }:
enroll-patient-code-expires = Dele este código al paciente. Sirve una sola vez y vence el { $time }.

## Guías de medicamentos
nav-guides = Lea sobre sus medicamentos
nav-guides-before-enroll = Lea sobre medicamentos contra el cáncer
guides-title = Guías de medicamentos
guides-intro = Información clara sobre medicamentos contra el cáncer que se toman por boca. Su equipo de farmacia con gusto responde cualquier pregunta.
guides-search-label = Buscar un medicamento
guides-search-hint = Escriba el nombre de marca o el nombre genérico, por ejemplo Xeloda o capecitabina.
guides-mine = Mis medicamentos
guides-all = Todos los medicamentos
guides-found = { $count ->
    [one] Se encontró 1 medicamento.
   *[other] Se encontraron { $count } medicamentos.
}
guides-none-found = Ningún medicamento coincide con “{ $query }”. Revise cómo lo escribió, o pregunte a su equipo de farmacia.
guides-offline = Las guías todavía no están guardadas en este teléfono. Conéctese a internet una vez para verlas. Después, también se abren sin internet.
guides-back-start = Volver a la página de inicio
guide-back-list = Todas las guías de medicamentos
guide-brand-names = Nombres de marca: { $names }
guide-pronunciation = Cómo se dice: { $pronunciation }
guide-general-info = Esta guía es información general. Su equipo de farmacia fija su dosis y sus días.
guide-not-found = Todavía no tenemos una guía para este medicamento. Por favor, pregunte a su equipo de farmacia.
guide-offline = Esta guía todavía no está guardada en este teléfono. Conéctese a internet una vez para abrirla. Después, también se abre sin internet.
guide-your-pharmacy-phone = el número de teléfono de su farmacia
guide-your-after-hours-phone = el número de su farmacia para noches y fines de semana
guide-topics = Más sobre este medicamento
guide-topics-hint = Toque un tema para abrirlo.
guide-teach-back-title = Compruebe lo que sabe
guide-teach-back-intro = Intente responder cada pregunta con sus propias palabras. Luego toque la pregunta para ver una respuesta.
guide-print = Imprimir esta guía
text-size-label = Tamaño del texto
text-size-smaller = Texto más pequeño
text-size-larger = Texto más grande
guide-section-what_it_is_for = Para qué sirve este medicamento
guide-section-how_to_take = Cómo tomarlo
guide-section-schedule = Cuándo tomarlo
guide-section-missed_or_vomited_dose = Si olvida una dosis o vomita
guide-section-common_side_effects = Efectos secundarios comunes y qué ayuda
guide-section-interactions = Otros medicamentos, vitaminas y alimentos
guide-section-storage = Cómo guardarlo
guide-section-safe_handling = Cómo mantener segura su casa
guide-section-disposal = Qué hacer con el medicamento que sobra
guide-section-pregnancy_and_breastfeeding = Embarazo y lactancia
guide-section-monitoring = Análisis de sangre y citas
guide-section-refills_and_costs = Resurtidos y ayuda con los costos
guide-section-who_to_call = A quién llamar
guide-section-special_programs = Programas especiales
queue-guide-viewed = Abrió la guía: { $drug }

## Red flags and alert reasons (ids from carepath_domain::triage)
red-flag-fever = Fiebre de { $celsius } °C ({ $fahrenheit } °F)
reason-red-flag = Señal de alarma: { $flag }
reason-grade-three = { $term }: { $grade } (grado { $number })
reason-worsened = { $term }: peor que en el registro anterior, de grado { $from } a grado { $to }
reason-missed-doses = { $count ->
    [1] 1 dosis olvidada
   *[other] { $count } dosis olvidadas
} en los últimos { $days } días
reason-extra-dose = Dosis de más tomada el { $date }
reason-refill-requested = Pidió un resurtido
reason-rule = { $rule }
reason-note = El paciente escribió una nota
reason-vomited-doses = { $count ->
    [1] 1 dosis vomitada
   *[other] { $count } dosis vomitadas
} en las últimas { $hours } horas
action-told-call-911 = Se le dijo que llame al 911
action-told-call-now = Se le dijo que llame ahora
action-told-within-a-day = Se le dijo que avise a la farmacia en el día
summary-stools = { $count ->
    [1] 1 evacuación más de lo normal
   *[other] { $count } evacuaciones más de lo normal
}
summary-diarrhea-at-night = diarrea de noche
grade-0 = ninguno
grade-1 = leve
grade-2 = moderado
grade-3 = grave
queue-check-in = Registro: { $summary }
queue-message-read = Leyó un mensaje de la farmacia
summary-temperature = Temperatura { $celsius } °C ({ $fahrenheit } °F)
summary-no-symptoms = sin síntomas
summary-no-answers = no respondió a ninguna pregunta de síntomas (todas omitidas)

## Check-in prompt, messages, history
nav-my-check-ins = Mis registros
check-in-due-title = Es hora de su registro
check-in-due-title-for = Es hora del registro de { $patient }
check-in-start = Empezar mi registro
check-in-start-for = Empezar el registro de { $patient }
check-in-next-due = Próximo registro: { $date }. Puede avisar de un síntoma en cualquier momento.
messages-title = Mensajes de su farmacia
messages-new = Nuevo
messages-from = { $name }, { $time }
my-check-ins-title = Mis registros
my-check-ins-empty = Todavía no ha enviado ningún registro.

## Pharmacist alerts
activity-title = Actividad reciente
alerts-title = Alertas
alerts-empty = No hay alertas abiertas. Aquí aparecen los registros nuevos que necesitan a un farmacéutico.
alerts-link-missing = La alerta de su enlace no está en la lista. Puede que se haya resuelto hace más de { $days } días.
alerts-resolved-summary = { $count ->
    [one] 1 alerta resuelta en los últimos { $days } días
   *[other] { $count } alertas resueltas en los últimos { $days } días
}
alerts-resolved-done = Se resolvió la alerta de { $name }.
alerts-stats-check-ins = { $count ->
    [one] 1 registro en los últimos { $days } días
   *[other] { $count } registros en los últimos { $days } días
}
alerts-stats-with-alert = { $count ->
    [one] 1 generó una alerta
   *[other] { $count } generaron una alerta
} ({ $share })
alerts-stats-median = Tiempo mediano hasta marcarla como vista: { $time }
alerts-percent = { $value } %
alert-tier-urgent = Urgente
alert-tier-routine = De rutina
alert-state-resolved = Resuelta
alert-raised-heading = Alerta del { $time }
alert-check-in = Respuestas: { $summary }
alert-reported = Registrada { $time }
alert-received = Recibida { $time }
alert-not-acknowledged = Nadie la ha marcado como vista todavía
alert-acknowledged = Vista por { $name }, { $time } ({ $after } después de recibirse)
alert-resolved-by = Resuelta por { $name }, { $time }
alert-duration-minutes = { $minutes } min
alert-duration-hours = { $hours } h { $minutes } min
alert-duration-days = { $days } d { $hours } h
alert-notes-title = Notas
alert-note-meta = { $name }, { $time }
alert-replies-title = Respuestas al paciente
alert-reply-meta = De { $name }, enviado { $time }
alert-read = Leído { $time }
alert-not-read = Todavía no leído
alert-acknowledge = Marcar como vista
alert-acknowledged-done = Marcada como vista.
alert-note-label = Agregar una nota
alert-note-hint = Solo el equipo de farmacia ve las notas. Al agregar una nota, la alerta también queda marcada como vista.
alert-note-submit = Agregar nota
alert-note-added = Nota agregada.
alert-reply-label = Responder a { $name }
alert-reply-hint = El paciente lo verá en su teléfono la próxima vez que se conecte. Al enviar una respuesta, la alerta también queda marcada como vista.
alert-reply-submit = Enviar al paciente
alert-reply-sent = Enviado. El paciente lo verá la próxima vez que su teléfono se conecte.
alert-resolve = Resolver
alert-error-empty = Escriba algo primero.
alert-error-too-long = El texto debe tener menos de { $max } caracteres.
alert-error-invalid = Revise el texto: { $reason }
alert-error-not-found = No se encontró esta alerta o este paciente. Actualice la página e inténtelo de nuevo.
timeline-title = Paciente
timeline-back = Volver a la lista de revisión
timeline-retry = Intentar de nuevo
timeline-refresh = Actualizar
timeline-not-found = No encontramos a este paciente. Puede que pertenezca a otra farmacia.
timeline-trends-title = Síntomas a lo largo del tiempo
timeline-trends-hint = El grado de cada síntoma en cada registro: ninguno, leve, moderado o grave.
timeline-no-check-ins = Todavía no hay registros.
timeline-no-symptoms = Todavía no hay síntomas con grado en los registros.
timeline-temperature-title = Temperaturas tomadas
timeline-temperature-reading = { $celsius } °C ({ $fahrenheit } °F)
timeline-check-ins-summary = { $count ->
    [one] El registro en palabras (1)
   *[other] Todos los registros en palabras ({ $count })
}
timeline-alerts-title = Alertas
timeline-no-alerts = Este paciente no tiene alertas.
timeline-messages-title = Mensajes al paciente
timeline-no-messages = Todavía no hay mensajes.
timeline-reply-hint = El paciente lo verá en su teléfono la próxima vez que se conecte.
trend-summary = { $name }: { $count ->
    [one] 1 registro
   *[other] { $count } registros
}; último: { $latest }; el más alto: { $highest }
trend-table-caption = { $name } en cada registro
trend-date = Fecha
trend-grade = Grado
trend-grade-value = { $grade } ({ $number })
trend-empty = Todavía no hay respuestas.
cadence-label = Recordatorio de registro
cadence-hint = Cada cuánto el teléfono del paciente le pregunta cómo se siente.
cadence-3 = Cada 3 días
cadence-7 = Cada semana
cadence-14 = Cada 2 semanas
cadence-28 = Cada 4 semanas

## Pharmacist alerts (more)
alerts-reload = Buscar alertas nuevas
my-check-ins-trends = Cómo cambiaron sus síntomas
my-check-ins-list = Todos sus registros, del más reciente al más antiguo
alerts-notices-failing = { $count ->
    [one] 1 mensaje de alerta urgente al equipo (chat o correo) todavía no se pudo entregar. Revise esta página a menudo hasta que se arregle y avise a quien administra Carepath.
   *[other] { $count } mensajes de alerta urgente al equipo (chat o correo) todavía no se pudieron entregar. Revise esta página a menudo hasta que se arreglen y avise a quien administra Carepath.
}
cadence-save = Guardar
cadence-saved = Guardado: { $choice }. El teléfono del paciente lo usará desde su próxima conexión.

## Tratamiento en palabras (farmacéutico y paciente)
regimen-tablets = { $count ->
    [one] 1 comprimido
   *[other] { $count } comprimidos
}
regimen-tablets-fraction = { $whole ->
    [0] ½ comprimido
   *[other] { $whole }½ comprimidos
}
regimen-amount-mg = { $mg } mg
regimen-amount-mg-tablets = { $mg } mg ({ $tablets })
regimen-food-any = Con o sin alimentos
regimen-food-with = Con una comida
regimen-pattern-continuous = Todos los días
regimen-pattern-cycles-no-break = Todos los días, en ciclos de { $on } días
regimen-pattern-on-off = { $on ->
    [one] 1 día de tratamiento
   *[other] { $on } días de tratamiento
} y luego { $off ->
    [one] 1 día de descanso
   *[other] { $off } días de descanso
}
regimen-pattern-days = Los { $days }
regimen-pattern-weekly = Una vez por semana, el { $day }
regimen-list-and = { $first } y { $last }
regimen-weekday-mon = lunes
regimen-weekday-tue = martes
regimen-weekday-wed = miércoles
regimen-weekday-thu = jueves
regimen-weekday-fri = viernes
regimen-weekday-sat = sábado
regimen-weekday-sun = domingo
regimen-weekdays-mon = lunes
regimen-weekdays-tue = martes
regimen-weekdays-wed = miércoles
regimen-weekdays-thu = jueves
regimen-weekdays-fri = viernes
regimen-weekdays-sat = sábados
regimen-weekdays-sun = domingos
regimen-slot-daily = Una vez al día
regimen-slot-morning = Mañana
regimen-slot-evening = Noche
regimen-slot-dose = { $slot }, a las { $time }: { $amount }
regimen-change-dose = Dosis cambiada a partir del { $date }: { $doses }
regimen-change-hold-until = En pausa desde el { $from } hasta el { $until }
regimen-change-hold-open = En pausa desde el { $from } hasta que el equipo de atención indique reanudar
regimen-change-resume = Reanudar el { $date }
regimen-change-stop = Suspendido el { $date }
regimen-change-cycle = El ciclo { $number } empieza el { $date }
regimen-change-time-zone = Zona horaria cambiada a { $tz } a partir del { $date }

## Formulario del tratamiento (inscripción, cambio de dosis)
regimen-form-drug = Nombre del medicamento
regimen-form-strength = Concentración
regimen-form-strength-hint = Como figura en la caja, por ejemplo comprimidos de 500 mg.
regimen-form-times = Veces al día
regimen-form-once = Una vez al día
regimen-form-twice = Dos veces al día (mañana y noche)
regimen-form-dose-daily = La dosis diaria
regimen-form-dose-morning = Dosis de la mañana
regimen-form-dose-evening = Dosis de la noche
regimen-form-amount-hint = Miligramos, comprimidos o ambos. Se admiten medios comprimidos, por ejemplo 2.5.
regimen-form-mg = Miligramos (mg)
regimen-form-tablets = Comprimidos
regimen-form-time = Hora
regimen-form-food = Comidas
regimen-form-pattern = Qué días
regimen-form-pattern-continuous = Todos los días
regimen-form-pattern-on-off = En ciclos: días de tratamiento y luego días de descanso
regimen-form-pattern-days = Ciertos días de la semana
regimen-form-pattern-weekly = Una vez por semana
regimen-form-cycle-preset = Ciclos habituales
regimen-form-cycle-custom = Otro (escriba los días abajo)
regimen-form-days-on = Días de tratamiento
regimen-form-days-off = Días de descanso
regimen-form-weekdays = Días de la semana
regimen-form-weekly-day = Día de la semana
regimen-form-start = Fecha de inicio (día 1)
regimen-form-first-cycle = Número del primer ciclo
regimen-form-first-cycle-hint = Normalmente 1. Más alto si el paciente ya va por la mitad del tratamiento.
regimen-form-time-zone = Zona horaria
regimen-form-time-zone-hint = Las dosis tocan a sus horas en esta zona horaria, por ejemplo America/New_York.
regimen-error-drug = Escriba el nombre del medicamento.
regimen-error-strength = Escriba la concentración, por ejemplo comprimidos de 500 mg.
regimen-error-too-long = Es demasiado largo: { $max } caracteres como máximo.
regimen-error-mg = Los miligramos deben ser un número entero, por ejemplo 1500.
regimen-error-tablets = Los comprimidos deben ser un número en mitades, por ejemplo 3 o 2.5.
regimen-error-amount = Escriba los miligramos, los comprimidos o ambos.
regimen-error-time = Escriba una hora, por ejemplo 08:00.
regimen-error-days-on = Los días de tratamiento deben ser un número entero, 1 o más.
regimen-error-days-off = Los días de descanso deben ser un número entero, 0 o más.
regimen-error-weekdays = Elija al menos un día.
regimen-error-date = Escriba una fecha.
regimen-error-cycle = El número de ciclo debe ser un número entero, 1 o más.
regimen-error-time-zone = No conocemos esta zona horaria. Use un nombre como America/New_York.
regimen-error-other = Revise el formulario: { $reason }

## Resultados del diario en palabras
regimen-outcome-taken = Tomada
regimen-outcome-taken-late = Tomada tarde
regimen-outcome-missed = Olvidada
regimen-outcome-skipped = No tomada: { $reason }
regimen-outcome-vomited = Tomada y luego vomitada
regimen-outcome-extra = Dosis de más
regimen-outcome-entered-in-error = Anotada por error (deshecha)
regimen-skip-side-effects = efectos secundarios
regimen-skip-forgot = se le olvidó
regimen-skip-care-team = el equipo de atención indicó no tomarla
regimen-skip-ran-out = se le acabó
regimen-skip-other = otro motivo
admin-queue-dose-logged = Diario: { $drug } ({ $slot }): { $outcome }
admin-queue-refill-requested = Pidió una reposición: { $drug }

## Dosing diary (Today and the diary screen)
nav-diary = Mi diario de dosis
today-caregiver-greeting = Hola, { $name }. Usted registra las dosis de { $patient }.
diary-title = Mi diario de dosis
diary-no-regimen = Su farmacia todavía no ha preparado su plan de medicamentos. Por favor, llámela.
diary-schedule-error = Este teléfono no pudo leer el plan. Llame a su farmacia antes de su próxima dosis.
diary-held-title = En pausa.
diary-held-body = Su equipo de atención pausó { $drug } el { $date }. No lo tome hasta que le digan que vuelva a empezar.
diary-off-day-title = Día de descanso.
diary-off-day-body = Día { $day } del ciclo { $cycle }. Hoy no toma { $drug }.
diary-cycle-day = Día { $day } de { $length }
diary-cycle-day-break = Día { $day } de { $length } · el descanso empieza el { $date }
diary-not-started = Este medicamento todavía no ha empezado.
diary-stopped = Su equipo de atención suspendió { $drug } el { $date }. No lo tome.
diary-yesterday-title = Sin registrar ayer
diary-outcome-at = { $outcome } · { $time }
diary-logged-by = Registrado por { $name }
diary-change = Cambiar
diary-other = Otra cosa
diary-other-legend = ¿Qué pasó con esta dosis?
diary-other-aria = { $day ->
    [yesterday] Otra cosa sobre la { $slot } de ayer
   *[today] Otra cosa sobre mi { $slot }
}
diary-change-aria = { $day ->
    [yesterday] Cambiar la { $slot } de ayer
   *[today] Cambiar mi { $slot }
}
diary-undo = Deshacer
diary-undo-aria = { $day ->
    [yesterday] Deshacer lo anotado para la { $slot } de ayer
   *[today] Deshacer lo anotado para mi { $slot }
}
diary-choice-mistake = Lo anoté por error
diary-time-unknown = No sé a qué hora
diary-outcome-time-unknown = { $outcome } · hora desconocida
diary-correct-legend = Corrija esta dosis. El primer registro queda en su diario, marcado como corregido.
diary-choice-taken-at = La tomé a otra hora
diary-choice-missed = Se me pasó
diary-choice-skipped = No la tomé a propósito
diary-choice-vomited = La tomé y luego vomité
diary-choose = Elija qué pasó.
diary-time-label = Hora en que la tomó
diary-time-future = Esa hora todavía no ha llegado. Revise la hora.
diary-time-invalid = Escriba la hora, por ejemplo 08:30.
diary-reason-label = ¿Por qué no la tomó?
diary-vomited-advice = No tome otra dosis a menos que su equipo de atención se lo diga. Tome la siguiente dosis a la hora de siempre.
diary-save = Guardar
diary-cancel = Cancelar
diary-extra-open = Tomé una dosis de más
diary-extra-open-for = { $patient } tomó una dosis de más
diary-extra-advice = Una dosis de más puede ser dañina con este medicamento. Se avisará a su farmacia. Si se siente mal, llámela ahora.
diary-extra-save = Guardar dosis de más
diary-extra-recorded = Dosis de más guardada. Se avisará a su farmacia. Llámela si se siente mal.
diary-change-notice = Su farmacia cambió su plan el { $date }:
diary-change-ask = ¿Tiene preguntas? Llame a su farmacia.
diary-change-ok = Entendido
change-today = Hoy: { $plan }.
change-next-from = Desde el { $date }: { $plan }.
change-next-restart = Después: espere a que su equipo de atención le diga que vuelva a empezar. Entonces tome { $doses }.
change-plan-take = tome { $doses }
change-plan-dose = { $amount } { $slot ->
    [morning] por la mañana
    [evening] por la noche
   *[daily] una vez al día
}
change-plan-held = no tome { $drug }: está en pausa
change-plan-off = día de descanso, sin { $drug }
change-plan-stopped = no tome más { $drug }
change-plan-not-started = { $drug } todavía no ha empezado
diary-change-list = Qué cambió:
diary-supply-until = Su medicamento debería durar hasta el { $date }.
diary-refill-due = Podría quedarse sin medicamento alrededor del { $date }. Pida un resurtido ahora.
diary-refill-request = Pedir un resurtido
diary-refill-requested = Resurtido pedido { $date }. Su farmacia se comunicará con usted.
diary-history = Todos los registros
diary-history-empty = Todavía no hay nada registrado.
diary-corrected = corregido

## Diary calendar, adherence figures and upcoming doses
calendar-status-taken = tomadas
calendar-status-partial = tomadas en parte
calendar-status-missed = no tomadas
calendar-status-not-logged = sin anotar
calendar-status-held = en pausa (sin dosis)
calendar-status-off = día de descanso
calendar-status-today = hoy
calendar-status-upcoming = por tomar
calendar-status-stopped = suspendido
calendar-status-not-started = antes de empezar el tratamiento
calendar-short-taken = Tomada
calendar-short-partial = Parcial
calendar-short-missed = Omitida
calendar-short-not-logged = Sin dato
calendar-short-held = Pausa
calendar-short-off = Descanso
calendar-short-today = Hoy
calendar-short-upcoming = Próxima
calendar-short-stopped = Fin
calendar-short-not-started = Antes
calendar-legend-title = Leyenda
calendar-legend-taken = Tomadas: todas las dosis del día
calendar-legend-partial = Tomadas en parte: algunas de las dosis
calendar-legend-missed = No tomadas: anotadas como no tomadas
calendar-legend-not-logged = Sin anotar: no hay nada anotado en el diario
calendar-legend-held = En pausa: el equipo de atención pausó este medicamento
calendar-legend-off = Día de descanso: sin dosis
calendar-legend-today = Hoy: dosis que aún debe tomar o anotar
calendar-legend-upcoming = Por tomar: dosis de los próximos días
calendar-legend-stopped = Suspendido: el equipo de atención suspendió este medicamento
calendar-legend-not-started = Antes de empezar el tratamiento
calendar-legend-extra = Dosis extra anotada: más de lo indicado
calendar-doses-of = { $taken } de { $expected ->
    [one] 1 dosis
   *[other] { $expected } dosis
}
calendar-doses-due = { $count ->
    [one] 1 dosis
   *[other] { $count } dosis
}
calendar-extra = dosis extra anotada
calendar-day = { $date }: { $details }
calendar-title-cycle = Ciclo { $cycle }: del { $from } al { $to }
calendar-title-weeks = Semanas { $first } a { $last }: del { $from } al { $to }
calendar-previous-cycle = Ciclo anterior
calendar-next-cycle = Ciclo siguiente
calendar-previous-weeks = Semanas anteriores
calendar-next-weeks = Semanas siguientes
calendar-error = No se puede mostrar el calendario: la farmacia tiene que revisar el plan de tratamiento.
adherence-last-7 = Últimos 7 días
adherence-last-30 = Últimos 30 días
adherence-cycle = Ciclo { $cycle } hasta hoy
adherence-of = Dosis tomadas: { $taken } de { $expected } ({ $percent } %)
adherence-none-due = Ninguna prevista antes de hoy
adherence-none-yet = Sus cifras empiezan cuando termine un día con dosis.
adherence-extra-count = { $count ->
    [one] 1 dosis extra
   *[other] { $count } dosis extra
}
adherence-extra-patient = Se anotó una dosis extra. Tomar más de lo indicado puede ser peligroso. Avise a su equipo de atención.
adherence-extra-pharmacist = Se anotaron dosis extra (más de lo indicado). Hable de ello con el paciente.
adherence-pdc = Días cubiertos por la medicación dispensada (PDC)
adherence-pdc-value = { $covered } de { $days } días ({ $percent } %)
adherence-pdc-adherent = adherente (≥ 80 %)
adherence-pdc-below = por debajo del 80 %
adherence-run-out = Fecha en que se le acabará el medicamento (aproximada)
adherence-refill-due = es momento de pedir un resurtido
adherence-note = Dosis tomadas de las dosis previstas, hasta ayer: las de hoy cuentan cuando termine el día. Los días de descanso y en pausa no se cuentan.
upcoming-today = Hoy, { $date }
upcoming-tomorrow = Mañana, { $date }
upcoming-days = Del { $from } al { $to }: lo mismo cada día
upcoming-nothing = No hay dosis este día.
upcoming-off = { $drug }: día de descanso, sin dosis
upcoming-held = { $drug }: en pausa desde el { $since }. No lo tome hasta que su equipo de atención le diga que vuelva a empezar.
upcoming-stopped = { $drug }: suspendido desde este día. No tome más.
upcoming-unreadable = No se puede mostrar el plan de { $drug }. Llame a su farmacia.

## Administración del tratamiento (página del paciente, farmacéutico)
admin-no-lines = No hay un plan de tratamiento registrado para este paciente.
admin-status-today = Hoy, { $date }: { $status }
admin-status-taking = ciclo { $cycle }, día { $day }, con dosis
admin-status-off = ciclo { $cycle }, día { $day }, día de descanso
admin-status-held = en pausa desde el { $date }
admin-status-stopped = suspendido el { $date }
admin-status-not-started = empieza el { $date }
admin-status-unreadable = No se puede calcular el plan: { $reason }
admin-plan-title = El plan
admin-dose-food = { $dose }. { $food }
admin-plan-pattern = Qué días: { $pattern }
admin-plan-start = Día 1: { $date } (ciclo { $cycle })
admin-plan-time-zone = Zona horaria: { $tz }
admin-actions-title = Cambiar el plan
admin-history-title = Cambios del equipo de atención
admin-history-empty = Sin cambios por ahora.
admin-history-by = Registrado { $time } por { $name }
admin-hold = Poner en pausa
admin-hold-review = Revisar la pausa
admin-hold-from = En pausa desde
admin-hold-until = Último día en pausa (opcional)
admin-hold-until-hint = Déjelo vacío para mantener la pausa hasta que usted lo reanude.
admin-resume = Reanudar
admin-resume-review = Revisar la reanudación
admin-resume-on = Reanudar el
admin-resume-held-since = En pausa desde el { $date }.
admin-dose = Cambiar la dosis
admin-dose-review = Revisar la nueva dosis
admin-dose-from = Nueva dosis desde
admin-cycle = Empezar un nuevo ciclo
admin-cycle-review = Revisar el nuevo ciclo
admin-cycle-on = El ciclo empieza el
admin-cycle-number = Número de ciclo
admin-stop = Suspender este medicamento
admin-stop-review = Revisar la suspensión
admin-stop-on = Suspender desde
admin-stop-warning = La suspensión es definitiva: después no se puede registrar ningún otro cambio.
admin-confirm = Se registrará: { $change }. ¿Es correcto?
admin-confirm-yes = Sí, registrarlo
admin-confirm-no = Volver
admin-saved = Registrado: { $change }. El teléfono del paciente lo mostrará después de su próxima conexión.
admin-error-invalid = Esto no encaja con el plan: { $reason }
admin-error-date = Escriba una fecha.
admin-error-cycle = El número de ciclo debe ser un número entero, 1 o más.
admin-error-hold-order = El último día en pausa no puede ser anterior al primero.
admin-diary-title = Diario de dosis
admin-diary-empty = Todavía no hay anotaciones.
admin-diary-item = { $date }, { $slot }: { $outcome }
admin-diary-time-unknown = (hora desconocida)
admin-diary-at = a las { $time }
admin-diary-logged-by = anotado por { $name }
admin-diary-corrected = corregido
admin-diary-correction = corrección
dispense-title = Dispensaciones
dispense-none = Todavía no hay dispensaciones registradas.
dispense-item = { $date }: { $tablets ->
    [one] 1 comprimido
   *[other] { $tablets } comprimidos
} para { $days ->
    [one] 1 día
   *[other] { $days } días
}, registrado por { $name }
dispense-date = Fecha de dispensación
dispense-tablets = Comprimidos dispensados
dispense-days = Días de tratamiento cubiertos
dispense-submit = Registrar dispensación
dispense-saved = Dispensación registrada.
dispense-error-tablets = Escriba el número de comprimidos, de 1 a 1500.
dispense-error-days = Escriba los días cubiertos, de 1 a 180.
dispense-refill-label = Aviso de reposición (días antes de que se acabe el medicamento)
dispense-refill-hint = La aplicación del paciente ofrece «Pedir una reposición» estos días antes de la fecha prevista en que se acaba el medicamento: de 0 a 30.
dispense-refill-save = Guardar aviso
dispense-refill-saved = Guardado: { $days ->
    [one] 1 día
   *[other] { $days } días
} antes.
dispense-refill-error = Escriba un número entero de 0 a 30.
dispense-requests-title = Pedidos de reposición
dispense-request-item = Pedido { $time }

## Caregivers: reported by, message audience (issue #14 item 4)
desk-reported-by = Comunicado por { $name }
queue-sharing-on = Deja a sus cuidadores leer todos los mensajes
queue-sharing-off = Sus cuidadores solo leen los mensajes dirigidos a ellos
desk-reply-to-caregivers = Los cuidadores también pueden leerlo
desk-reply-to-caregivers-hint = Sin marcar, es solo para el paciente (salvo que el paciente deje a sus cuidadores leer todos los mensajes).
desk-message-to-caregivers = Los cuidadores pueden leerlo
desk-sharing-on = El paciente deja a sus cuidadores leer los mensajes (desde { $time }).
desk-sharing-off = El paciente no deja a sus cuidadores leer los mensajes: solo ven los que van dirigidos a ellos.
messages-sharing-title = Sus cuidadores
messages-sharing-option = Dejar que mis cuidadores lean mis mensajes
messages-sharing-hint = Así, las personas que le ayudan podrán leer en su propio teléfono todos los mensajes de su farmacia y lo que usted escribe. Si lo desactiva, solo verán los mensajes que su farmacia escriba también para ellos.
messages-sharing-saved-on = Guardado. Sus cuidadores podrán leer sus mensajes.
messages-sharing-saved-off = Guardado. Sus cuidadores solo verán los mensajes escritos también para ellos.
messages-caregiver-sees-all = { $patient } le deja leer todos sus mensajes con la farmacia.
messages-caregiver-sees-addressed = Usted ve los mensajes que la farmacia escribe también para los cuidadores, y lo que escriben los cuidadores.
caregiver-title = Cuidadores
caregiver-intro = Un cuidador puede anotar las dosis del paciente en su propio teléfono, con su propio código.
caregiver-none = Todavía no hay cuidadores.
caregiver-name = Nombre del cuidador
caregiver-name-hint = Como lo verá el paciente, por ejemplo María (hija).
caregiver-add = Añadir cuidador
caregiver-error-name = Escriba el nombre del cuidador.
caregiver-code-for = Código para { $name }:
caregiver-code-expires = Entregue este código al cuidador. Sirve una sola vez y caduca { $time }.
caregiver-added = Añadido { $time }
caregiver-devices = { $count ->
    [one] 1 teléfono conectado
   *[other] { $count } teléfonos conectados
}
caregiver-revoked = Acceso retirado { $time }
caregiver-revoke = Retirar acceso
caregiver-revoke-aria = Retirar el acceso de { $name }
caregiver-revoke-confirm = ¿Retirar el acceso de { $name }? Su teléfono dejará de enviar y recibir los registros de este paciente.
caregiver-revoke-yes = Sí, retirar el acceso
caregiver-revoke-no = Mantener el acceso
caregiver-revoke-done = Acceso retirado para { $name }.

## Several people on one phone
nav-add-person = Añadir otra persona en este teléfono
add-person-title = Añadir otra persona
add-person-intro = Si también ayuda a otra persona con su medicamento, o comparte este teléfono, escriba el código que la farmacia le dio para esa persona. El diario de cada persona queda por separado.
profile-switch-label = Diario de
profile-label-caregiver = { $patient } (usted ayuda como { $caregiver })

## Recordatorios de dosis
reminders-title = Recordatorios de dosis
reminders-intro = Carepath puede avisarle en este teléfono cuando sea la hora de una dosis, incluso con la aplicación cerrada. El aviso solo dice que toca una dosis: nunca muestra el nombre de su medicamento.
reminders-intro-caregiver = Carepath puede avisarle en este teléfono cuando una dosis no se haya registrado un tiempo después de su hora, incluso con la aplicación cerrada. El aviso nunca muestra el nombre del medicamento.
reminders-in-app = Mientras Carepath esté abierta, el recordatorio también aparece arriba en esta pantalla.
reminders-turn-on = Activar recordatorios
reminders-busy = Activando…
reminders-are-on = Los recordatorios están activados en este teléfono.
reminders-save = Guardar la configuración de recordatorios
reminders-turn-off = Desactivar recordatorios
reminders-on-done = Los recordatorios están activados.
reminders-saved = Se guardó la configuración de sus recordatorios.
reminders-off-done = Los recordatorios están desactivados en este teléfono.
reminders-permission-dismissed = No se permitieron las notificaciones, así que los recordatorios siguen desactivados. Toque Activar recordatorios para que se lo pregunten de nuevo.
reminders-error-offline = No se pudieron activar los recordatorios porque no hay conexión. Inténtelo de nuevo cuando tenga conexión.
reminders-error-browser = Este navegador no pudo configurar los recordatorios. Inténtelo más tarde o ponga una alarma en su teléfono para sus dosis.
reminders-error-server = No se pudieron activar los recordatorios. Inténtelo más tarde o ponga una alarma en su teléfono para sus dosis.
reminders-error-partly = Los recordatorios están activados, pero todavía no para: { $names }. Guarde de nuevo cuando tenga conexión.
reminders-quiet-legend = Horas de silencio (opcional)
reminders-quiet-hint = No habrá recordatorios entre estas horas. Un recordatorio que toque en ese tiempo llegará cuando terminen.
reminders-quiet-start = Desde
reminders-quiet-end = Hasta
reminders-quiet-incomplete = Escriba las dos horas o deje ambas vacías.
reminders-quiet-same = Las dos horas deben ser distintas.
reminders-overdue-label = Avisarme cuando una dosis lleve este número de minutos de retraso (opcional)
reminders-overdue-hint = De 5 a 720 minutos después de la hora de la dosis. Déjelo vacío si no quiere estos avisos.
reminders-overdue-invalid = Escriba un número de minutos entre 5 y 720, o déjelo vacío.
reminders-ios-title = Primero agregue Carepath a su pantalla de inicio
reminders-ios-intro = En iPhone y iPad, los recordatorios solo funcionan si abre Carepath desde su icono en la pantalla de inicio.
reminders-ios-step-share = En Safari, toque el botón Compartir (el cuadrado con una flecha hacia arriba).
reminders-ios-step-add = Desplácese hacia abajo, toque Agregar a inicio y después toque Agregar.
reminders-ios-step-open = Abra Carepath desde su nuevo icono en la pantalla de inicio y active allí los recordatorios.
reminders-ios-code = Si Carepath le pide un código al abrirla desde la pantalla de inicio, pida un código nuevo a su farmacia.
reminders-unsupported = Este navegador no puede mostrar recordatorios cuando Carepath está cerrada. Ponga una alarma en su teléfono para sus dosis.
reminders-denied-title = Las notificaciones de Carepath están bloqueadas
reminders-denied-body = Para recibir recordatorios, vuelva a permitir las notificaciones: abra la configuración de su navegador, vaya a Configuración de sitios (o Notificaciones), elija este sitio web y ponga Notificaciones en Permitir. Después vuelva a esta pantalla.
reminders-denied-iphone = En iPhone o iPad: abra la app Configuración, toque Notificaciones, toque Carepath y active Permitir notificaciones.
reminders-snoozed = Recordatorio pospuesto. Se lo recordaremos de nuevo dentro de { $minutes } minutos.
reminders-snooze-offline = No se pudo posponer el recordatorio porque no hay conexión. Tome su dosis ahora si ya es la hora, o ponga una alarma en su teléfono.
reminders-snooze-failed = No se pudo posponer el recordatorio. Tome su dosis ahora si ya es la hora, o ponga una alarma en su teléfono.
reminders-due-daily = Es la hora de su dosis de { $drug }.
reminders-due-morning = Es la hora de su dosis de la mañana de { $drug }.
reminders-due-evening = Es la hora de su dosis de la noche de { $drug }.
reminders-due-caregiver-daily = Es la hora de la dosis de { $drug } de { $patient }.
reminders-due-caregiver-morning = Es la hora de la dosis de la mañana de { $drug } de { $patient }.
reminders-due-caregiver-evening = Es la hora de la dosis de la noche de { $drug } de { $patient }.
reminders-due-at = Hora de la dosis: { $time }.
reminders-show-dose = Mostrarme la dosis
reminders-dismiss = De acuerdo, ocultar

## Adherence on the pharmacist's patient page, upcoming doses on the diary screen
admin-adherence-title = Adherencia y calendario
diary-upcoming-title = Próximamente: los siguientes 7 días

## Reminders: a caregiver's overdue opt-in, per medicine
reminders-overdue-lines = Avisarme de estos medicamentos

## Pharmacist: another medicine for a patient
admin-add-line = Añadir un medicamento
admin-add-line-submit = Añadir este medicamento
admin-add-line-done = Medicamento añadido. El teléfono del paciente lo recibe en su próxima sincronización.

## Guides v2 and food rules
guide-checked = Comprobada con la etiqueta de EE. UU. revisada en { $revised } · Última revisión: { $reviewed }
guide-call-title = Cuándo pedir ayuda
guide-call-911 = Llame al 911
guide-call-911-intro = Llame al 911 o vaya a la sala de emergencias más cercana si tiene alguno de estos:
guide-call-911-button = Llamar al 911
guide-call-now = Llámenos ahora
guide-call-now-day-or-night = Llámenos ahora, de día o de noche
guide-call-now-care-team = Llame ahora a su equipo de atención
guide-call-now-intro = Llame enseguida si tiene alguno de estos:
guide-call-within-a-day = Avísenos en las próximas 24 horas
guide-call-within-a-day-intro = Llámenos en las próximas 24 horas si tiene alguno de estos:
guide-fever-threshold = { $celsius } °C ({ $fahrenheit } °F)
guide-section-start_here = Empiece aquí
guide-section-took_too_much = Si toma demasiado
guide-section-alcohol = Alcohol
guide-section-missed_appointments = Si falta a una cita o a un análisis
regimen-food-after-meal = Como máximo { $within } después de una comida
regimen-food-none = No coma nada desde { $before } antes hasta { $after } después de su dosis
regimen-food-none-before = No coma nada durante { $before } antes de su dosis
regimen-food-none-after = No coma nada durante { $after } después de su dosis
regimen-food-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
regimen-food-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
regimen-form-food-kind-after-meal = Poco después de una comida
regimen-form-food-kind-no-food = Sin comer antes y después
regimen-form-food-minutes-hint = En minutos: 60 es 1 hora, 120 son 2 horas.
regimen-form-food-within = Minutos después de la comida, como máximo
regimen-form-food-before = Minutos sin comer antes de la dosis
regimen-form-food-after = Minutos sin comer después de la dosis
regimen-form-food-from-guide = Comidas según la guía de { $drug }: { $food }. Puede cambiarlo en cada dosis.
regimen-error-food-minutes = Escriba un número de minutos de { $min } a { $max }.
regimen-error-food-no-window = Escriba cuántos minutos sin comer, antes o después de la dosis.

## Sync robustness
sync-storage-large = Carepath guarda { $used } en este teléfono. Lo que ya se envió se borra a los { $days } días.
sync-storage-nearly-full = Carepath guarda { $used } en este teléfono: el { $percent } % del espacio que este navegador le permite. Si se llena, lo nuevo podría no guardarse. Por favor, avise a su farmacia.

## Desk workstation
desk-nav-label = Escritorio
desk-patients-title = Pacientes
desk-title-queue = Lista de revisión – Carepath
desk-title-queue-urgent = { $count ->
    [one] (1 urgente) Lista de revisión – Carepath
   *[other] ({ $count } urgentes) Lista de revisión – Carepath
}
desk-title-queue-waiting = ({ $count } por revisar) Lista de revisión – Carepath
desk-title-patients = Pacientes – Carepath
desk-title-patient = { $name } – Carepath
desk-find-submit = Buscar
desk-find-all = Ver todos los pacientes
desk-patients-search-label = Buscar pacientes
desk-filter-phone = Teléfono
desk-filter-any = Todos
desk-filter-phone-connected = Con teléfono conectado
desk-filter-phone-none = Sin teléfono conectado todavía
desk-filter-enrolled = Inscripción
desk-filter-any-time = En cualquier fecha
desk-filter-enrolled-within = En los últimos { $days } días
desk-filter-open-alerts = Solo pacientes con alertas abiertas
desk-filters-clear = Borrar la búsqueda y los filtros
desk-patients-none = Todavía no hay pacientes inscritos. Inscriba uno en la página de la lista de revisión.
desk-patients-no-match = Ningún paciente coincide. Revise cómo está escrito o borre la búsqueda y los filtros.
desk-patients-count = { $count ->
    [one] 1 paciente
   *[other] { $count } pacientes
}
desk-patients-found = { $count ->
    [one] 1 paciente encontrado
   *[other] { $count } pacientes encontrados
}
desk-alerts-more = Mostrar más alertas abiertas (se ven { $shown } de { $total })
desk-alerts-capped = Se ven las { $shown } alertas abiertas más urgentes de { $total }. Resuelva alertas para ver las demás.
desk-patients-more = Mostrar más pacientes
desk-patient-enrolled = Inscripción: { $date }
desk-patient-phones = { $count ->
    [one] 1 teléfono conectado
   *[other] { $count } teléfonos conectados
}
desk-patient-no-phone = Sin teléfono conectado todavía
desk-patient-no-alerts = Sin alertas abiertas
desk-patient-alerts = { $count ->
    [one] 1 alerta abierta
   *[other] { $count } alertas abiertas
}
desk-patient-alerts-urgent = { $count ->
    [one] 1 alerta abierta, urgente
   *[other] { $count } alertas abiertas, { $urgent ->
        [one] 1 urgente
       *[other] { $urgent } urgentes
    }
}
desk-enrolled-title = Inscripción hecha: { $name }
desk-enrolled-saved = Lo que se guardó
desk-enrolled-medicine = Medicamento
desk-enrolled-doses = Dosis
desk-enrolled-days = Qué días
desk-enrolled-start = Día 1
desk-enrolled-start-value = { $date } (ciclo { $cycle })
desk-enrolled-time-zone = Zona horaria
desk-enrolled-open = Abrir la página de { $name }
desk-enroll-amount-mismatch = { $mg } mg no coincide con { $tablets } de { $strength } mg: eso da { $expected } mg. Revise los miligramos o los comprimidos.
desk-alert-more-queue = Detalles, notas y respuesta
desk-alert-more = Detalles y notas
desk-alert-notes = { $count ->
    [one] 1 nota
   *[other] { $count } notas
}
desk-alert-replies = { $count ->
    [one] 1 respuesta
   *[other] { $count } respuestas
}
desk-alert-more-counts = { $label } ({ $counts })
desk-new-urgent = { $count ->
    [one] Alerta urgente nueva:
   *[other] { $count } alertas urgentes nuevas:
}
desk-new-urgent-show = Ver la alerta
desk-new-urgent-dismiss = Cerrar el aviso
desk-new-urgent-option = Mostrar un aviso cuando llegue una alerta urgente nueva
desk-patient-no-open-alerts = No hay alertas abiertas.
desk-patient-resolved-alerts = { $count ->
    [one] 1 alerta resuelta
   *[other] { $count } alertas resueltas
}
desk-older-messages = { $count ->
    [one] 1 mensaje anterior
   *[other] { $count } mensajes anteriores
}
desk-trends-summary = { $count ->
    [one] Gráficos y lecturas de 1 registro, del { $time }
   *[other] Gráficos y lecturas de { $count } registros, el último del { $time }
}

## Messages on Today
messages-unread-title = { $count ->
    [one] Mensaje nuevo de su farmacia
   *[other] { $count } mensajes nuevos de su farmacia
}
messages-got-it = Entendido

## Two-way messages, message push and the desk's sound cue (#12)
reason-patient-message = Mensaje del paciente
messages-nav = Mensajes
messages-screen-title = Mensajes con su farmacia
messages-thread-title = Sus mensajes
messages-thread-empty = Todavía no hay mensajes.
messages-you = Usted
messages-waiting = Esperando para enviarse. Se enviará cuando su teléfono tenga conexión.
messages-refused = No se envió: por favor, escríbalo otra vez.
messages-answer = Responder
messages-write-title = Escriba a su farmacia
messages-write-label = Su mensaje
messages-reply-label = Su respuesta a { $name }
messages-write-hint = Hasta 1000 letras. Su farmacia lee los mensajes en horario de atención.
messages-not-emergency = Esto no es para emergencias. Si se siente muy mal, llame ahora a su farmacia (los números están más abajo) o llame al 911.
messages-send = Enviar
messages-saved = Guardado en su teléfono. Se enviará a su farmacia.
messages-error-empty = Por favor, escriba su mensaje primero.
messages-error-long = Su mensaje es demasiado largo. Por favor, use menos de 1000 letras.
messages-error-characters = Su mensaje tiene un carácter que no se puede enviar. Por favor, quítelo.
messages-error-storage = Su teléfono no pudo guardar el mensaje. Por favor, inténtelo otra vez.
messages-new-question = Nueva pregunta
desk-thread-title = Mensajes
desk-from-patient = { $name } (paciente), { $time }
desk-from-caregiver = { $name } (cuidador de { $patient }), { $time }
desk-patient-wrote = El paciente escribió
desk-sound-option = Reproducir un sonido con cada alerta urgente nueva
queue-message-sent = Mensaje: { $text }

## Knowing the patient: identifiers, patient header, new code and handout (#12)
identity-legend = Quién es el paciente
identity-dob = Fecha de nacimiento
identity-mrn = Número de historia clínica (MRN)
identity-phone = Teléfono para devolver la llamada (opcional)
identity-phone-hint = Solo números, espacios y + - ( ).
identity-language = Idioma del paciente
identity-language-hint = La hoja impresa sale en este idioma.
identity-error-dob-required = Escriba la fecha de nacimiento.
identity-error-dob-unreadable = Escriba la fecha de nacimiento con mes, día y año.
identity-error-dob-future = La fecha de nacimiento no puede ser futura.
identity-error-dob-too-early = Revise la fecha de nacimiento: es de hace más de 120 años.
identity-error-mrn-required = Escriba el número de historia clínica (MRN).
identity-error-mrn-too-long = El MRN puede tener como máximo 32 caracteres.
identity-error-characters = Tiene un carácter que no se puede usar. Escríbalo de nuevo.
identity-error-phone = Use solo números, espacios y + - ( ) para el teléfono.
identity-error-phone-too-long = El teléfono puede tener como máximo 32 caracteres.
identity-error-mrn-taken = Otro paciente ya tiene este MRN. Revise el número o busque a ese paciente en la lista. No se guardó nada.
desk-find-hint = Escriba la fecha de nacimiento así: MM/DD/AAAA.
desk-find-label-any = Buscar un paciente por nombre, fecha de nacimiento o MRN
desk-search-label-any = Buscar por nombre, fecha de nacimiento o MRN
desk-patient-identifiers = Nació el { $born } · MRN { $mrn }
header-title = Sobre este paciente
header-not-recorded = no registrado
header-dob = Fecha de nacimiento
header-dob-value = { $date } ({ $age } años)
header-mrn = MRN
header-phone = Teléfono para devolver la llamada
header-language = Idioma
header-drugs = Medicamentos hoy
header-no-drugs = Todavía no hay medicamentos
header-drug = { $drug }: { $state }
header-drug-taking = ciclo { $cycle }, día { $day }
header-drug-off = ciclo { $cycle }, día { $day } (día de descanso)
header-drug-held = en pausa desde el { $date }
header-drug-stopped = suspendido el { $date }
header-drug-not-started = empieza el { $date }
header-last-check-in = Último reporte
header-last-dose = Última dosis anotada
header-none-yet = todavía ninguno
header-open-alerts = Alertas abiertas
header-caregivers = Cuidadores
header-no-caregivers = ninguno
reissue-title = Código nuevo para el teléfono del paciente
reissue-hint = Si perdió el teléfono o el código venció. Los códigos anteriores del paciente dejan de funcionar. Los teléfonos ya conectados siguen funcionando: para detener uno perdido, retire su acceso en Teléfonos.
reissue-submit = Crear un código nuevo
reissue-busy = Creando el código…
reissue-done = Código nuevo. Déselo al paciente o imprima la hoja:
handout-open = Imprimir la hoja para el paciente
handout-page-title = Hoja para el paciente
handout-back = Volver a la página del paciente
handout-no-code = El código ya no está en esta pantalla (no se guarda, por seguridad). Cree un código nuevo en la página del paciente.
handout-print-hint = Solo se imprime la hoja de abajo, en el idioma del paciente.
handout-print = Imprimir
handout-code-gone = Este código ya no funciona. Cree un código nuevo en la página del paciente.
handout-title = Su aplicación Carepath
handout-for = Para { $name }, de { $site }
handout-qr-alt = Código cuadrado. Apunte la cámara de su teléfono hacia él para abrir la aplicación.
handout-code-intro = Su código:
handout-expires = Úselo antes del { $time }. Funciona una sola vez.
handout-address = También puede abrir esta dirección y escribir el código:
handout-steps-title = Cómo empezar
handout-step-scan = Abra la cámara de su teléfono. Apúntela hacia el código cuadrado. Toque el enlace que aparece.
handout-step-connect = La aplicación se abre con su código ya escrito. Toque "{ $button }".
handout-home-title = Ponga la aplicación en su pantalla de inicio
handout-home-iphone = iPhone (Safari): toque el botón Compartir (un cuadrado con una flecha). Luego toque "Agregar a pantalla de inicio".
handout-home-android = Android (Chrome): toque el menú (tres puntos). Luego toque "Agregar a la pantalla principal" o "Instalar aplicación".
handout-questions = ¿Preguntas? Llame a { $site } al { $phone }.

## Worklists, interventions and the program page (#12)
reason-stopped-logging = { $count ->
    [one] Dejó de anotar sus dosis: 1 dosis esperada no tiene registro
   *[other] Dejó de anotar sus dosis: { $count } dosis esperadas no tienen registro
}
intervention-kind-called-patient = Llamó al paciente
intervention-kind-advised-dose-hold = Aconsejó suspender una dosis
intervention-kind-referred-to-clinic = Lo remitió a la clínica
intervention-kind-referred-to-emergency = Lo remitió a urgencias
intervention-kind-educated-patient = Le explicó al paciente
intervention-kind-contacted-prescriber = Habló con quien recetó
intervention-kind-other = Otra
intervention-outcome-resolved = Resuelto
intervention-outcome-follow-up-needed = Necesita seguimiento
intervention-outcome-referred = Remitido
intervention-outcome-could-not-reach = No se le pudo localizar
intervention-kind-label = Qué hizo
intervention-outcome-label = Resultado
intervention-note-label = Nota (opcional)
intervention-note-hint = Hasta 2000 caracteres. Queda en el registro de la farmacia; el paciente no la ve.
intervention-document = Registrar intervención
intervention-also-acknowledge = Marcar también la alerta como vista
intervention-save = Guardar intervención
intervention-saved = Intervención guardada.
intervention-list-title = Intervenciones
intervention-none = Todavía no hay intervenciones registradas.
intervention-meta = { $name }, { $time }
desk-title-worklists = Listas de trabajo – Carepath
desk-title-program = Programa – Carepath
worklists-title = Listas de trabajo
worklists-hint = El seguimiento de hoy, junto a la cola de alertas. Marque un elemento como hecho cuando lo haya atendido; se guarda quién lo hizo, cuándo y la nota.
worklists-choose = Elija una lista de trabajo
worklist-follow-up = Llamada de seguimiento pendiente
worklist-stopped-logging = Dejó de anotar
worklist-check-in-overdue = Registro de síntomas atrasado
worklist-refill = Resurtidos
worklist-low-pdc = Baja adherencia (PDC)
worklist-follow-up-hint = Un medicamento que empezó hace 7 a 14 días: llame al paciente para saber cómo va el inicio.
worklist-stopped-logging-hint = Dosis esperadas sin registro desde la última anotada.
worklist-check-in-overdue-hint = Pasó la fecha del registro de síntomas del paciente sin que lo enviara.
worklist-refill-hint = Toca resurtir antes de que se acabe el medicamento, o el paciente lo pidió.
worklist-low-pdc-hint = Días cubiertos por las entregas por debajo del 80 % en los últimos 30 días.
worklist-item-follow-up = { $drug }: llamada pendiente desde el { $date }
worklist-item-stopped-logging = { $count ->
    [one] 1 dosis sin registro, desde el { $date }
   *[other] { $count } dosis sin registro, desde el { $date }
}
worklist-item-check-in-overdue = Registro de síntomas para el { $date }
worklist-item-refill-requested = Pidió un resurtido el { $date }
worklist-item-refill-due = { $drug }: resurtido para el { $date }
worklist-item-low-pdc = { $percent } % de días cubiertos en los últimos 30 días
worklist-empty = No hay nada en esta lista.
worklist-more = Mostrar más
worklist-done = Hecho
worklist-done-note = Nota para la lista de trabajo
worklist-done-with-intervention = Hice una intervención
worklist-done-save = Marcar como hecho
worklist-done-announce = Marcado como hecho. Ya no está en la lista.
worklist-count = { $list }: { $count }
program-title = Programa
program-hint = Las cifras que su consulta informa para la atención basada en valor, de los pacientes de la farmacia.
program-period = Periodo
program-days = Últimos { $days } días
program-download-figures = Descargar las cifras (CSV)
program-download-interventions = Descargar las intervenciones (CSV)
program-percent = { $value } %
program-period-dates = Del { $from } al { $to }
program-check-ins-title = Registros de síntomas y alertas
program-completion = Registros de síntomas completados
program-received-of-expected = { $received ->
    [one] (1 recibido de { $expected } esperados)
   *[other] ({ $received } recibidos de { $expected } esperados)
}
program-alerted = Registros que dieron una alerta
program-alerted-count = ({ $count })
program-median-urgent = Mediana del tiempo hasta verla, urgentes
program-median-routine = Mediana del tiempo hasta verla, de rutina
program-acknowledged-count = { $count ->
    [one] (1 vista)
   *[other] ({ $count } vistas)
}
program-interventions-title = Intervenciones
program-interventions-total = { $count ->
    [one] 1 intervención registrada
   *[other] { $count } intervenciones registradas
}
program-count = Cantidad
program-pdc-title = Adherencia (PDC, últimos 30 días)
program-pdc-hint = Pacientes según los días cubiertos por las entregas. No se cuentan los pacientes sin entregas registradas.
program-pdc-band = Días cubiertos
program-patients = Pacientes
program-pdc-below-50 = Menos del 50 %
program-pdc-50-79 = Del 50 al 79 %
program-pdc-80-89 = Del 80 al 89 %
program-pdc-90 = 90 % o más

## The patient list's filters (#12)
desk-show-label = Mostrar
desk-show-all = Todos los pacientes
desk-show-no-check-in = Sin registro de síntomas en { $days } días
desk-show-low-adherence = Adherencia menor del 80 % (30 días)
desk-show-refill-due = Le toca un resurtido
desk-show-on-hold = Un medicamento en pausa
desk-filter-drug = Toma (nombre del medicamento)

## Issue #14: after hours, "I feel fine", one symptom any time, a shorter Today
weekday-short = { $day ->
    [0] lun
    [1] mar
    [2] mié
    [3] jue
    [4] vie
    [5] sáb
   *[6] dom
}
call-after-hours-now = La farmacia está cerrada ahora. Llame a la línea fuera de horario: { $phone }
call-pharmacy-opens = Su farmacia, abierta { $hours }: { $phone }
call-pharmacy-daytime = Su farmacia, durante el día: { $phone }
quick-contact-title = Llame o escriba a su farmacia
report-symptom-title = Avisar de un síntoma
report-symptom-intro = ¿Algo nuevo o peor desde su último registro? Elíjalo aquí. No tiene que contestar todo el registro.
report-symptom-emergency = Si se siente muy mal, no espere: llame ahora a su farmacia o al 911. Los números están abajo.
report-symptom-open = Avisar de un síntoma ahora
report-symptom-open-for = Avisar de un síntoma de { $patient }
check-in-feeling-fine = Me siento bien, nada nuevo
check-in-feeling-fine-hint = ¿Nada de esto y nada nuevo desde la última vez? Puede enviar su registro ahora.
summary-feeling-fine = se siente bien, nada nuevo (no se preguntaron síntomas)
summary-one-symptom = Un síntoma, entre registros: { $report }
nav-more = Más
messages-earlier = { $count ->
    [one] Mensaje anterior (1)
   *[other] Mensajes anteriores ({ $count })
}
messages-all = Todos los mensajes
reminders-change = Cambiar los recordatorios
reminders-about = Sobre los recordatorios, y horas de silencio
reminders-short = Reciba un recordatorio en este teléfono a la hora de cada dosis.
reminders-short-caregiver = Sepa en este teléfono cuando una dosis no se ha anotado.
check-in-due-intro = Unas preguntas sobre los últimos 7 días, unos 2 minutos.

## Teléfonos perdidos o cambiados (issue #15 item 3): la lista de teléfonos del escritorio
phones-title = Teléfonos
phones-intro = Si un teléfono se pierde o se cambia, retire aquí su acceso: la información del paciente se borra de él cuando vuelva a conectarse.
phones-none = Todavía no se ha conectado ningún teléfono.
phones-own = Teléfono propio de { $name }
phones-caregiver = Teléfono de { $name } (cuidador)
phones-enrolled = Conectado el { $date }
phones-last-seen = último contacto { $time }
phones-expired = Sin contacto desde hace más de { $days } días, así que ya no funciona. Un código nuevo lo vuelve a conectar.
phones-revoked = Acceso retirado { $time }
phones-revoked-caregiver = Acceso retirado { $time }, con el acceso del cuidador
phones-revoked-phone = Quitado en el propio teléfono { $time }
phones-revoke = Retirar acceso
phones-revoke-aria = Retirar el acceso de { $phone }
phones-revoke-confirm = ¿Retirar el acceso de { $phone }?
phones-revoke-hint = Deja de enviar y recibir los registros de este paciente, y la información del paciente se borra de él la próxima vez que se conecte. Lo que aún no haya enviado se pierde. Para volver a conectar un teléfono, haga un código nuevo.
phones-revoke-yes = Sí, retirar el acceso
phones-revoke-no = Mantener el acceso
phones-revoke-busy = Retirando el acceso…
phones-revoke-done = Acceso retirado para { $phone }.
phones-error-gone = Ese teléfono ya no está en el expediente de este paciente. Vuelva a cargar la página.

## Teléfonos perdidos o cambiados: en el teléfono
profile-ended-revoked = Este teléfono ya no puede mostrar el diario de { $name }: su farmacia retiró su acceso. Lo que este teléfono guardaba de { $name } se ha borrado. Si es un error, pida a su farmacia un código nuevo.
profile-ended-expired = Este teléfono llevaba mucho tiempo sin contacto con su farmacia, así que ya no puede mostrar el diario de { $name }. Lo que este teléfono guardaba de { $name } se ha borrado. Pida a su farmacia un código nuevo para volver a conectarlo.
profile-ended-removed = { $name } se quitó de este teléfono.
profile-ended-ok = Entendido
nav-remove-person = Quitar a { $name } de este teléfono
remove-person-title = ¿Quitar a { $name } de este teléfono?
remove-person-intro = Esto borra de este teléfono el diario, los cuestionarios y los mensajes de { $name }. Todo lo ya enviado se queda en su farmacia.
remove-person-after = Después, este teléfono ya no podrá anotar nada para { $name }. Para volver a usarlo para { $name }, necesitará un código nuevo de su farmacia.
remove-person-others = Las demás personas de este teléfono no se ven afectadas.
remove-person-submit = Quitar a { $name }
remove-person-busy = Enviando lo pendiente…
remove-person-cancel = Dejar a { $name } en este teléfono
remove-person-unsent = { $count ->
    [one] 1 registro de { $name } todavía no ha llegado a su farmacia, y no se puede enviar ahora (puede que el teléfono no tenga conexión). Si quita a { $name } ahora, se perderá.
   *[other] { $count } registros de { $name } todavía no han llegado a su farmacia, y no se pueden enviar ahora (puede que el teléfono no tenga conexión). Si quita a { $name } ahora, se perderán.
}
remove-person-unsent-hint = Puede dejar a { $name } e intentarlo más tarde, cuando el teléfono tenga conexión.
remove-person-retry = Intentar enviar otra vez
remove-person-anyway = { $count ->
    [one] Quitar y perder 1 registro
   *[other] Quitar y perder { $count } registros
}
remove-person-failed = Algo salió mal en este teléfono. No se borró nada. Inténtelo otra vez.

## El PIN de la aplicación (issue #15 item 9)
nav-pin = Proteger esta aplicación con un PIN
pin-title = Proteger esta aplicación con un PIN
pin-intro = Con un PIN, lo que esta aplicación guarda en este teléfono (su diario, sus registros, sus mensajes y la conexión con su farmacia) queda cerrado con un código secreto. Quien tome o copie este teléfono no puede leerlo sin el PIN.
pin-when = La aplicación pide el PIN cada vez que se abre, y después de { $minutes } minutos sin usarla.
pin-call-now-stays = Aun cerrada, la aplicación muestra los números de su farmacia y cuándo llamar de inmediato.
pin-forget-warning = Si olvida el PIN, nadie puede volver a abrir la aplicación, ni siquiera su farmacia. Necesitaría un código nuevo de su farmacia para volver a conectar este teléfono, y se perderían las anotaciones que aún no se hayan enviado.
pin-waiting = { $count ->
    [one] 1 anotación todavía no se ha enviado a su farmacia. Es más seguro enviarla primero.
   *[other] { $count } anotaciones todavía no se han enviado a su farmacia. Es más seguro enviarlas primero.
}
pin-send-now = Enviar ahora
pin-new-label = PIN nuevo: de 4 a 8 números
pin-new-hint = Elija números que otros no adivinen (no su fecha de nacimiento).
pin-again-label = Escriba el mismo PIN otra vez
pin-turn-on = Activar el PIN
pin-busy = Un momento…
pin-error-digits = El PIN debe tener de 4 a 8 números, y nada más.
pin-error-different = Los dos PIN no son iguales. Escríbalos otra vez.
pin-on-done = El PIN está activado. Recuérdelo: nadie más se lo puede decir.
pin-on-title = Esta aplicación está protegida con un PIN
pin-lock-now = Cerrar ahora
pin-off-title = Desactivar el PIN
pin-off-intro = Escriba su PIN para desactivarlo. Lo que la aplicación guarda en este teléfono dejará de estar cerrado.
pin-label = Su PIN
pin-turn-off = Desactivar el PIN
pin-off-done = El PIN está desactivado.
lock-title = Esta aplicación está cerrada
lock-intro = Escriba su PIN para abrir su diario.
lock-submit = Abrir
lock-busy = Comprobando…
lock-wrong = Ese PIN no es correcto. Inténtelo otra vez.
lock-wait = { $count } intentos equivocados. Espere, y vuelva a intentarlo a las { $time }.
lock-waiting = { $count ->
    [one] 1 anotación está guardada en este teléfono. Se enviará a su farmacia cuando abra la aplicación.
   *[other] { $count } anotaciones están guardadas en este teléfono. Se enviarán a su farmacia cuando abra la aplicación.
}
lock-forgot = ¿Olvidó el PIN?
forgot-title = ¿Olvidó el PIN?
forgot-intro = El PIN no se guarda en ningún sitio, ni siquiera en su farmacia, así que nadie se lo puede decir. Para volver a usar esta aplicación, borre lo que guarda en este teléfono. Después, conéctese otra vez con un código nuevo de su farmacia.
forgot-sent-stays = Todo lo que ya se envió sigue en su farmacia.
forgot-unsent = { $count ->
    [one] 1 anotación de este teléfono no ha llegado a su farmacia. Al borrar, se pierde. Si todavía puede recordar el PIN, inténtelo más tarde.
   *[other] { $count } anotaciones de este teléfono no han llegado a su farmacia. Al borrar, se pierden. Si todavía puede recordar el PIN, inténtelo más tarde.
}
forgot-back = Volver a intentar el PIN
forgot-delete = { $count ->
    [0] Borrar los datos de esta aplicación en este teléfono
    [one] Borrar, y perder 1 anotación
   *[other] Borrar, y perder { $count } anotaciones
}
forgot-failed = Algo salió mal en este teléfono. Inténtelo otra vez.
