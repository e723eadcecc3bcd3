<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>sak::Desktop</name>
    <message>
        <source>Cloud: %1</source>
        <translation>Cloud: %1</translation>
    </message>
    <message>
        <source>Cloud unreachable: %1</source>
        <translation>Cloud nicht erreichbar: %1</translation>
    </message>
</context>
<context>
    <name>sak::MainWindow</name>
    <message>
        <source>Opening WhatsApp…</source>
        <translation>WhatsApp wird geöffnet…</translation>
    </message>
    <message>
        <source>Scan the QR code with the shop&apos;s phone</source>
        <translation>Scannen Sie den QR-Code mit dem Telefon des Geschäfts</translation>
    </message>
    <message>
        <source>Linking with the phone…</source>
        <translation>Verbindung mit dem Telefon wird hergestellt…</translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation>Verbindung zu WhatsApp wird hergestellt…</translation>
    </message>
    <message>
        <source>WhatsApp connected</source>
        <translation>WhatsApp verbunden</translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation>WhatsApp ist an anderer Stelle geöffnet</translation>
    </message>
    <message>
        <source>WhatsApp refused this session</source>
        <translation>WhatsApp hat diese Sitzung abgelehnt</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation>WhatsApp kann gerade nicht verwendet werden</translation>
    </message>
    <message>
        <source>Weaker protection</source>
        <translation>Schwächerer Schutz</translation>
    </message>
    <message>
        <source>Encrypted</source>
        <translation>Verschlüsselt</translation>
    </message>
    <message>
        <source>WhatsApp - SAK Desktop Agent</source>
        <translation>WhatsApp - SAK Desktop-Agent</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
</context>
<context>
    <name>sak::OutboxModel</name>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Wird gesendet</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Gelesen</translation>
    </message>
    <message>
        <source>Played</source>
        <translation>Abgespielt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation>Unklar: bitte im Chat prüfen</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>[image]</source>
        <translation>[Bild]</translation>
    </message>
    <message>
        <source>[document %1]</source>
        <translation>[Dokument %1]</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Jetzt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Next attempt</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>Rundsendung</translation>
    </message>
    <message>
        <source>Broadcast, priority %1</source>
        <translation>Rundsendung, Priorität %1</translation>
    </message>
    <message>
        <source>%1 (number not known)</source>
        <translation>%1 (Nummer unbekannt)</translation>
    </message>
    <message>
        <source>Chat %1</source>
        <translation>Chat %1</translation>
    </message>
    <message>
        <source>Number %1</source>
        <translation>Nummer %1</translation>
    </message>
    <message>
        <source>LID %1</source>
        <translation>LID %1</translation>
    </message>
    <message>
        <source>[poll: %1]</source>
        <translation>[Umfrage: %1]</translation>
    </message>
</context>
<context>
    <name>sak::OutboxWindow</name>
    <message>
        <source>Outbox - SAK Desktop Agent</source>
        <translation>Postausgang - SAK Desktop-Agent</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation>Unklar: bitte im Chat prüfen</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Search messages, chats and errors</source>
        <translation>Nachrichten, Chats und Fehler durchsuchen</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>Alle Chats</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Send the selected failed, expired or unknown messages again</source>
        <translation>Die ausgewählten fehlgeschlagenen, abgelaufenen oder unklaren Nachrichten erneut senden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Do not send the selected waiting messages</source>
        <translation>Die ausgewählten wartenden Nachrichten nicht senden</translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>Senden fortsetzen</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>Senden anhalten</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n Nachricht</numerusform>
            <numerusform>%n Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>The outbox cannot be read: %1</source>
        <translation>Der Postausgang kann nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) will be sent again.</source>
        <translation>
            <numerusform>%n Nachricht wird erneut gesendet.</numerusform>
            <numerusform>%n Nachrichten werden erneut gesendet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) cancelled.</source>
        <translation>
            <numerusform>%n Nachricht abgebrochen.</numerusform>
            <numerusform>%n Nachrichten abgebrochen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sak::PairingWindow</name>
    <message>
        <source>Asking WhatsApp for a new code…</source>
        <translation>WhatsApp wird um einen neuen Code gebeten…</translation>
    </message>
    <message>
        <source>Set up SAK</source>
        <translation>SAK einrichten</translation>
    </message>
    <message>
        <source>Step 1 of 3: connect to the SAK cloud</source>
        <translation>Schritt 1 von 3: mit der SAK-Cloud verbinden</translation>
    </message>
    <message>
        <source>In the SAK dashboard, open Agents &gt; Add an agent. It shows the server address and a pairing code: enter both here.</source>
        <translation>Öffnen Sie im SAK-Dashboard Agenten &gt; Agent hinzufügen. Dort stehen die Serveradresse und ein Kopplungscode: geben Sie beides hier ein.</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Serveradresse:</translation>
    </message>
    <message>
        <source>Pairing code:</source>
        <translation>Kopplungscode:</translation>
    </message>
    <message>
        <source>e.g. K7PQ-2M9X</source>
        <translation>z. B. K7PQ-2M9X</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Step 2 of 3: link the shop&apos;s WhatsApp</source>
        <translation>Schritt 2 von 3: WhatsApp des Geschäfts verknüpfen</translation>
    </message>
    <message>
        <source>On the shop&apos;s phone open WhatsApp &gt; Settings &gt; Linked devices &gt; Link a device, and point the phone at this code.</source>
        <translation>Öffnen Sie auf dem Telefon des Geschäfts WhatsApp &gt; Einstellungen &gt; Verknüpfte Geräte &gt; Gerät hinzufügen und richten Sie das Telefon auf diesen Code.</translation>
    </message>
    <message>
        <source>Show a new code</source>
        <translation>Neuen Code anzeigen</translation>
    </message>
    <message>
        <source>Or link with the phone number instead (international format):</source>
        <translation>Oder stattdessen mit der Telefonnummer verknüpfen (internationales Format):</translation>
    </message>
    <message>
        <source>Get a code</source>
        <translation>Code anfordern</translation>
    </message>
    <message>
        <source>Step 3 of 3: done</source>
        <translation>Schritt 3 von 3: fertig</translation>
    </message>
    <message>
        <source>SAK now answers your customers on WhatsApp. You can close this window: the agent keeps working in the notification area, and tells you there when it needs you.</source>
        <translation>SAK beantwortet jetzt Ihre Kunden auf WhatsApp. Sie können dieses Fenster schließen: Der Agent arbeitet im Infobereich weiter und meldet sich dort, wenn er Sie braucht.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>WhatsApp gave no code: %1. Check the number, or scan the QR code.</source>
        <translation>WhatsApp hat keinen Code geliefert: %1. Prüfen Sie die Nummer oder scannen Sie den QR-Code.</translation>
    </message>
    <message>
        <source>On the phone tap the notification from WhatsApp (or Linked devices &gt; Link with phone number) and enter this code.</source>
        <translation>Tippen Sie auf dem Telefon auf die Benachrichtigung von WhatsApp (oder Verknüpfte Geräte &gt; Mit Telefonnummer verknüpfen) und geben Sie diesen Code ein.</translation>
    </message>
    <message>
        <source>Enter the server address from the dashboard; it starts with https:// (for example https://cloud.example.com).</source>
        <translation>Geben Sie die Serveradresse aus dem Dashboard ein; sie beginnt mit https:// (zum Beispiel https://cloud.example.com).</translation>
    </message>
    <message>
        <source>Enter the pairing code shown in the dashboard: letters and digits, e.g. K7PQ-2M9X.</source>
        <translation>Geben Sie den Kopplungscode aus dem Dashboard ein: Buchstaben und Ziffern, z. B. K7PQ-2M9X.</translation>
    </message>
    <message>
        <source>Waiting for the phone to scan the code…</source>
        <translation>Warten, bis das Telefon den Code scannt…</translation>
    </message>
    <message>
        <source>The code expired. Click &quot;Show a new code&quot; when the phone is ready.</source>
        <translation>Der Code ist abgelaufen. Klicken Sie auf „Neuen Code anzeigen“, sobald das Telefon bereit ist.</translation>
    </message>
    <message>
        <source>Waiting for WhatsApp to show a code…</source>
        <translation>Warten, bis WhatsApp einen Code anzeigt…</translation>
    </message>
    <message>
        <source>The phone scanned the code: linking… keep WhatsApp open on the phone.</source>
        <translation>Das Telefon hat den Code gescannt: wird verknüpft… lassen Sie WhatsApp auf dem Telefon geöffnet.</translation>
    </message>
    <message>
        <source>WhatsApp is open in another browser. Choose &quot;Use WhatsApp here&quot; in the SAK menu.</source>
        <translation>WhatsApp ist in einem anderen Browser geöffnet. Wählen Sie im SAK-Menü „WhatsApp hier verwenden“.</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now; the agent keeps trying.</source>
        <translation>WhatsApp kann gerade nicht verwendet werden; der Agent versucht es weiter.</translation>
    </message>
    <message>
        <source>Opening WhatsApp…</source>
        <translation>WhatsApp wird geöffnet…</translation>
    </message>
    <message>
        <source>Enter the shop&apos;s number with its country code, e.g. +49 151 23456789.</source>
        <translation>Geben Sie die Nummer des Geschäfts mit Ländervorwahl ein, z. B. +49 151 23456789.</translation>
    </message>
</context>
<context>
    <name>sak::SettingsDialog</name>
    <message>
        <source>Settings - SAK Desktop Agent</source>
        <translation>Einstellungen - SAK Desktop-Agent</translation>
    </message>
    <message>
        <source>One group id per line, e.g. 120363025555555555@g.us</source>
        <translation>Eine Gruppen-ID pro Zeile, z. B. 120363025555555555@g.us</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>Sprache des Systems</translation>
    </message>
    <message>
        <source>SAK cloud</source>
        <translation>SAK-Cloud</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Serveradresse:</translation>
    </message>
    <message>
        <source>Sending pace (protects the number from being banned)</source>
        <translation>Sendetempo (schützt die Nummer vor einer Sperre)</translation>
    </message>
    <message>
        <source>Messages per minute, in all:</source>
        <translation>Nachrichten pro Minute, insgesamt:</translation>
    </message>
    <message>
        <source>Messages per minute, to one chat:</source>
        <translation>Nachrichten pro Minute, an einen Chat:</translation>
    </message>
    <message>
        <source>Broadcast messages per hour, at most:</source>
        <translation>Rundsendungen pro Stunde, höchstens:</translation>
    </message>
    <message>
        <source>Broadcast messages per day, at most:</source>
        <translation>Rundsendungen pro Tag, höchstens:</translation>
    </message>
    <message>
        <source>Quiet hours (no broadcasts):</source>
        <translation>Ruhezeiten (keine Rundsendungen):</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>SAK answers private chats only, and these groups:</source>
        <translation>SAK antwortet nur in Einzelchats und in diesen Gruppen:</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <source>Start SAK when I log in</source>
        <translation>SAK bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Saved, but start on login could not be changed: %1</source>
        <translation>Gespeichert, aber der Start bei der Anmeldung ließ sich nicht ändern: %1</translation>
    </message>
    <message>
        <source>The new server address is used from the next start.</source>
        <translation>Die neue Serveradresse gilt ab dem nächsten Start.</translation>
    </message>
</context>
<context>
    <name>sak::TrayIcon</name>
    <message>
        <source>Open WhatsApp</source>
        <translation>WhatsApp öffnen</translation>
    </message>
    <message>
        <source>Pair with a phone…</source>
        <translation>Mit einem Telefon koppeln…</translation>
    </message>
    <message>
        <source>Outbox…</source>
        <translation>Postausgang…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Use WhatsApp here</source>
        <translation>WhatsApp hier verwenden</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>WhatsApp needs pairing: scan the QR code with the shop&apos;s phone</source>
        <translation>WhatsApp muss gekoppelt werden: Scannen Sie den QR-Code mit dem Telefon des Geschäfts</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation>WhatsApp kann gerade nicht verwendet werden</translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached: messages wait safely</source>
        <translation>Die SAK-Cloud ist nicht erreichbar: Nachrichten warten sicher</translation>
    </message>
    <message>
        <source>Sending is paused</source>
        <translation>Das Senden ist angehalten</translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation>Verbindung zu WhatsApp wird hergestellt…</translation>
    </message>
    <message>
        <source>Connected: answering customers</source>
        <translation>Verbunden: Kunden werden beantwortet</translation>
    </message>
    <message>
        <source>SAK Desktop Agent</source>
        <translation>SAK Desktop-Agent</translation>
    </message>
    <message>
        <source>No messages waiting to be sent</source>
        <translation>Keine Nachrichten warten auf den Versand</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n Nachricht wartet auf den Versand</numerusform>
            <numerusform>%n Nachrichten warten auf den Versand</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>Senden fortsetzen</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>Senden anhalten</translation>
    </message>
    <message>
        <source>WhatsApp was disconnected</source>
        <translation>WhatsApp wurde getrennt</translation>
    </message>
    <message>
        <source>Scan the new QR code with the shop&apos;s phone to keep answering customers.</source>
        <translation>Scannen Sie den neuen QR-Code mit dem Telefon des Geschäfts, damit Kunden weiter Antworten bekommen.</translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation>WhatsApp ist an anderer Stelle geöffnet</translation>
    </message>
    <message>
        <source>Choose &quot;Use WhatsApp here&quot; in the SAK menu to continue here.</source>
        <translation>Wählen Sie im SAK-Menü „WhatsApp hier verwenden“, um hier fortzufahren.</translation>
    </message>
    <message>
        <source>The agent keeps trying.</source>
        <translation>Der Agent versucht es weiter.</translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached</source>
        <translation>Die SAK-Cloud ist nicht erreichbar</translation>
    </message>
    <message>
        <source>Customers&apos; messages are kept and answered when it is back.</source>
        <translation>Die Nachrichten der Kunden werden aufbewahrt und beantwortet, sobald sie wieder erreichbar ist.</translation>
    </message>
    <message>
        <source>An update of the WhatsApp connection did not work</source>
        <translation>Eine Aktualisierung der WhatsApp-Verbindung hat nicht funktioniert</translation>
    </message>
</context>
</TS>
