<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>sak::Desktop</name>
    <message>
        <source>Cloud: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cloud unreachable: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sak::MainWindow</name>
    <message>
        <source>Opening WhatsApp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the QR code with the shop&apos;s phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linking with the phone…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp refused this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Weaker protection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp - SAK Desktop Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sak::OutboxModel</name>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Played</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[image]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[document %1]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next attempt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broadcast, priority %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (number not known)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chat %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LID %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[poll: %1]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sak::OutboxWindow</name>
    <message>
        <source>Outbox - SAK Desktop Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search messages, chats and errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All chats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the selected failed, expired or unknown messages again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not send the selected waiting messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>The outbox cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) will be sent again.</source>
        <translation>
            <numerusform>%n message will be sent again.</numerusform>
            <numerusform>%n messages will be sent again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) cancelled.</source>
        <translation>
            <numerusform>%n message cancelled.</numerusform>
            <numerusform>%n messages cancelled.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sak::PairingWindow</name>
    <message>
        <source>Asking WhatsApp for a new code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set up SAK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 1 of 3: connect to the SAK cloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In the SAK dashboard, open Agents &gt; Add an agent. It shows the server address and a pairing code: enter both here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pairing code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. K7PQ-2M9X</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 2 of 3: link the shop&apos;s WhatsApp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On the shop&apos;s phone open WhatsApp &gt; Settings &gt; Linked devices &gt; Link a device, and point the phone at this code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show a new code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or link with the phone number instead (international format):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Get a code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step 3 of 3: done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SAK now answers your customers on WhatsApp. You can close this window: the agent keeps working in the notification area, and tells you there when it needs you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp gave no code: %1. Check the number, or scan the QR code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On the phone tap the notification from WhatsApp (or Linked devices &gt; Link with phone number) and enter this code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server address from the dashboard; it starts with https:// (for example https://cloud.example.com).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the pairing code shown in the dashboard: letters and digits, e.g. K7PQ-2M9X.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the phone to scan the code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The code expired. Click &quot;Show a new code&quot; when the phone is ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for WhatsApp to show a code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The phone scanned the code: linking… keep WhatsApp open on the phone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp is open in another browser. Choose &quot;Use WhatsApp here&quot; in the SAK menu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now; the agent keeps trying.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening WhatsApp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the shop&apos;s number with its country code, e.g. +49 151 23456789.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sak::SettingsDialog</name>
    <message>
        <source>Settings - SAK Desktop Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One group id per line, e.g. 120363025555555555@g.us</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SAK cloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending pace (protects the number from being banned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages per minute, in all:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages per minute, to one chat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broadcast messages per hour, at most:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Broadcast messages per day, at most:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours (no broadcasts):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Groups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SAK answers private chats only, and these groups:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start SAK when I log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved, but start on login could not be changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new server address is used from the next start.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>sak::TrayIcon</name>
    <message>
        <source>Open WhatsApp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pair with a phone…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outbox…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use WhatsApp here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp needs pairing: scan the QR code with the shop&apos;s phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached: messages wait safely</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending is paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected: answering customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SAK Desktop Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No messages waiting to be sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>%n message waiting to be sent</numerusform>
            <numerusform>%n messages waiting to be sent</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp was disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the new QR code with the shop&apos;s phone to keep answering customers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose &quot;Use WhatsApp here&quot; in the SAK menu to continue here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The agent keeps trying.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customers&apos; messages are kept and answered when it is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An update of the WhatsApp connection did not work</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
