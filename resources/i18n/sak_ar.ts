<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>sak::Desktop</name>
    <message>
        <source>Cloud: %1</source>
        <translation>السحابة: %1</translation>
    </message>
    <message>
        <source>Cloud unreachable: %1</source>
        <translation>تعذّر الوصول إلى السحابة: %1</translation>
    </message>
</context>
<context>
    <name>sak::MainWindow</name>
    <message>
        <source>Opening WhatsApp…</source>
        <translation>جارٍ فتح واتساب…</translation>
    </message>
    <message>
        <source>Scan the QR code with the shop&apos;s phone</source>
        <translation>امسح رمز QR بهاتف المتجر</translation>
    </message>
    <message>
        <source>Linking with the phone…</source>
        <translation>جارٍ الربط بالهاتف…</translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation>جارٍ الاتصال بواتساب…</translation>
    </message>
    <message>
        <source>WhatsApp connected</source>
        <translation>واتساب متصل</translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation>واتساب مفتوح في مكان آخر</translation>
    </message>
    <message>
        <source>WhatsApp refused this session</source>
        <translation>رفض واتساب هذه الجلسة</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation>لا يمكن استخدام واتساب الآن</translation>
    </message>
    <message>
        <source>Weaker protection</source>
        <translation>حماية أضعف</translation>
    </message>
    <message>
        <source>Encrypted</source>
        <translation>مشفّر</translation>
    </message>
    <message>
        <source>WhatsApp - SAK Desktop Agent</source>
        <translation>واتساب - وكيل SAK لسطح المكتب</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
</context>
<context>
    <name>sak::OutboxModel</name>
    <message>
        <source>Waiting</source>
        <translation>في الانتظار</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>قيد الإرسال</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>أُرسلت</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>سُلّمت</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>قُرئت</translation>
    </message>
    <message>
        <source>Played</source>
        <translation>شُغّلت</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>فشلت</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>انتهت صلاحيتها</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>أُلغيت</translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation>غير معروف: تحقّق من المحادثة</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>مجموعة %1</translation>
    </message>
    <message>
        <source>[image]</source>
        <translation>[صورة]</translation>
    </message>
    <message>
        <source>[document %1]</source>
        <translation>[مستند %1]</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>رد</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>الآن</translation>
    </message>
    <message>
        <source>State</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>المحادثة</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>الرسالة</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>النوع</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>المحاولات</translation>
    </message>
    <message>
        <source>Next attempt</source>
        <translation>المحاولة التالية</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>آخر خطأ</translation>
    </message>
    <message>
        <source>Broadcast</source>
        <translation>رسالة جماعية</translation>
    </message>
    <message>
        <source>Broadcast, priority %1</source>
        <translation>رسالة جماعية، الأولوية %1</translation>
    </message>
    <message>
        <source>%1 (number not known)</source>
        <translation>%1 (الرقم غير معروف)</translation>
    </message>
    <message>
        <source>Chat %1</source>
        <translation>المحادثة %1</translation>
    </message>
    <message>
        <source>Number %1</source>
        <translation>الرقم %1</translation>
    </message>
    <message>
        <source>LID %1</source>
        <translation>LID %1</translation>
    </message>
    <message>
        <source>[poll: %1]</source>
        <translation>[استطلاع: %1]</translation>
    </message>
</context>
<context>
    <name>sak::OutboxWindow</name>
    <message>
        <source>Outbox - SAK Desktop Agent</source>
        <translation>صندوق الصادر - وكيل SAK لسطح المكتب</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>كل الحالات</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>في الانتظار</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>أُرسلت</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>فشلت</translation>
    </message>
    <message>
        <source>Unknown: check the chat</source>
        <translation>غير معروف: تحقّق من المحادثة</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>انتهت صلاحيتها</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>أُلغيت</translation>
    </message>
    <message>
        <source>Search messages, chats and errors</source>
        <translation>ابحث في الرسائل والمحادثات والأخطاء</translation>
    </message>
    <message>
        <source>All chats</source>
        <translation>كل المحادثات</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>إعادة المحاولة</translation>
    </message>
    <message>
        <source>Send the selected failed, expired or unknown messages again</source>
        <translation>أعد إرسال الرسائل المحددة التي فشلت أو انتهت صلاحيتها أو حالتها غير معروفة</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Do not send the selected waiting messages</source>
        <translation>لا ترسل الرسائل المحددة المنتظرة</translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>استئناف الإرسال</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>إيقاف الإرسال مؤقتًا</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>لا رسائل</numerusform>
            <numerusform>رسالة واحدة</numerusform>
            <numerusform>رسالتان</numerusform>
            <numerusform>%n رسائل</numerusform>
            <numerusform>%n رسالة</numerusform>
            <numerusform>%n رسالة</numerusform>
        </translation>
    </message>
    <message>
        <source>The outbox cannot be read: %1</source>
        <translation>تعذّرت قراءة صندوق الصادر: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) will be sent again.</source>
        <translation>
            <numerusform>لن تُعاد أي رسالة.</numerusform>
            <numerusform>ستُرسل رسالة واحدة مجددًا.</numerusform>
            <numerusform>ستُرسل رسالتان مجددًا.</numerusform>
            <numerusform>ستُرسل %n رسائل مجددًا.</numerusform>
            <numerusform>ستُرسل %n رسالة مجددًا.</numerusform>
            <numerusform>ستُرسل %n رسالة مجددًا.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) cancelled.</source>
        <translation>
            <numerusform>لم تُلغَ أي رسالة.</numerusform>
            <numerusform>أُلغيت رسالة واحدة.</numerusform>
            <numerusform>أُلغيت رسالتان.</numerusform>
            <numerusform>أُلغيت %n رسائل.</numerusform>
            <numerusform>أُلغيت %n رسالة.</numerusform>
            <numerusform>أُلغيت %n رسالة.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sak::PairingWindow</name>
    <message>
        <source>Asking WhatsApp for a new code…</source>
        <translation>جارٍ طلب رمز جديد من واتساب…</translation>
    </message>
    <message>
        <source>Set up SAK</source>
        <translation>إعداد SAK</translation>
    </message>
    <message>
        <source>Step 1 of 3: connect to the SAK cloud</source>
        <translation>الخطوة 1 من 3: الاتصال بسحابة SAK</translation>
    </message>
    <message>
        <source>In the SAK dashboard, open Agents &gt; Add an agent. It shows the server address and a pairing code: enter both here.</source>
        <translation>في لوحة تحكم SAK افتح الوكلاء &gt; إضافة وكيل. ستظهر عنوان الخادم ورمز الاقتران: أدخلهما هنا.</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>عنوان الخادم:</translation>
    </message>
    <message>
        <source>Pairing code:</source>
        <translation>رمز الاقتران:</translation>
    </message>
    <message>
        <source>e.g. K7PQ-2M9X</source>
        <translation>مثال: K7PQ-2M9X</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>اتصال</translation>
    </message>
    <message>
        <source>Step 2 of 3: link the shop&apos;s WhatsApp</source>
        <translation>الخطوة 2 من 3: ربط واتساب المتجر</translation>
    </message>
    <message>
        <source>On the shop&apos;s phone open WhatsApp &gt; Settings &gt; Linked devices &gt; Link a device, and point the phone at this code.</source>
        <translation>على هاتف المتجر افتح واتساب &gt; الإعدادات &gt; الأجهزة المرتبطة &gt; ربط جهاز، ثم وجّه الهاتف نحو هذا الرمز.</translation>
    </message>
    <message>
        <source>Show a new code</source>
        <translation>اعرض رمزًا جديدًا</translation>
    </message>
    <message>
        <source>Or link with the phone number instead (international format):</source>
        <translation>أو اربط برقم الهاتف بدلًا من ذلك (بالصيغة الدولية):</translation>
    </message>
    <message>
        <source>Get a code</source>
        <translation>احصل على رمز</translation>
    </message>
    <message>
        <source>Step 3 of 3: done</source>
        <translation>الخطوة 3 من 3: تم</translation>
    </message>
    <message>
        <source>SAK now answers your customers on WhatsApp. You can close this window: the agent keeps working in the notification area, and tells you there when it needs you.</source>
        <translation>يرد SAK الآن على عملائك في واتساب. يمكنك إغلاق هذه النافذة: يواصل الوكيل العمل في منطقة الإشعارات ويخبرك هناك عندما يحتاج إليك.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>إغلاق</translation>
    </message>
    <message>
        <source>WhatsApp gave no code: %1. Check the number, or scan the QR code.</source>
        <translation>لم يُرجع واتساب رمزًا: %1. تحقّق من الرقم أو امسح رمز QR.</translation>
    </message>
    <message>
        <source>On the phone tap the notification from WhatsApp (or Linked devices &gt; Link with phone number) and enter this code.</source>
        <translation>على الهاتف اضغط على إشعار واتساب (أو الأجهزة المرتبطة &gt; الربط برقم الهاتف) وأدخل هذا الرمز.</translation>
    </message>
    <message>
        <source>Enter the server address from the dashboard; it starts with https:// (for example https://cloud.example.com).</source>
        <translation>أدخل عنوان الخادم من لوحة التحكم؛ يبدأ بـ https://‏ (مثل https://cloud.example.com).</translation>
    </message>
    <message>
        <source>Enter the pairing code shown in the dashboard: letters and digits, e.g. K7PQ-2M9X.</source>
        <translation>أدخل رمز الاقتران الظاهر في لوحة التحكم: حروف وأرقام، مثل K7PQ-2M9X.</translation>
    </message>
    <message>
        <source>Waiting for the phone to scan the code…</source>
        <translation>في انتظار أن يمسح الهاتف الرمز…</translation>
    </message>
    <message>
        <source>The code expired. Click &quot;Show a new code&quot; when the phone is ready.</source>
        <translation>انتهت صلاحية الرمز. انقر «اعرض رمزًا جديدًا» عندما يكون الهاتف جاهزًا.</translation>
    </message>
    <message>
        <source>Waiting for WhatsApp to show a code…</source>
        <translation>في انتظار أن يعرض واتساب رمزًا…</translation>
    </message>
    <message>
        <source>The phone scanned the code: linking… keep WhatsApp open on the phone.</source>
        <translation>مسح الهاتف الرمز: جارٍ الربط… أبقِ واتساب مفتوحًا على الهاتف.</translation>
    </message>
    <message>
        <source>WhatsApp is open in another browser. Choose &quot;Use WhatsApp here&quot; in the SAK menu.</source>
        <translation>واتساب مفتوح في متصفح آخر. اختر «استخدم واتساب هنا» من قائمة SAK.</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now; the agent keeps trying.</source>
        <translation>لا يمكن استخدام واتساب الآن؛ يواصل الوكيل المحاولة.</translation>
    </message>
    <message>
        <source>Opening WhatsApp…</source>
        <translation>جارٍ فتح واتساب…</translation>
    </message>
    <message>
        <source>Enter the shop&apos;s number with its country code, e.g. +49 151 23456789.</source>
        <translation>أدخل رقم المتجر مع رمز الدولة، مثل ‎+49 151 23456789.</translation>
    </message>
</context>
<context>
    <name>sak::SettingsDialog</name>
    <message>
        <source>Settings - SAK Desktop Agent</source>
        <translation>الإعدادات - وكيل SAK لسطح المكتب</translation>
    </message>
    <message>
        <source>One group id per line, e.g. 120363025555555555@g.us</source>
        <translation>معرّف مجموعة واحد في كل سطر، مثل 120363025555555555@g.us</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>لغة النظام</translation>
    </message>
    <message>
        <source>SAK cloud</source>
        <translation>سحابة SAK</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>عنوان الخادم:</translation>
    </message>
    <message>
        <source>Sending pace (protects the number from being banned)</source>
        <translation>وتيرة الإرسال (تحمي الرقم من الحظر)</translation>
    </message>
    <message>
        <source>Messages per minute, in all:</source>
        <translation>الرسائل في الدقيقة، إجمالًا:</translation>
    </message>
    <message>
        <source>Messages per minute, to one chat:</source>
        <translation>الرسائل في الدقيقة، لمحادثة واحدة:</translation>
    </message>
    <message>
        <source>Broadcast messages per hour, at most:</source>
        <translation>الرسائل الجماعية في الساعة، بحد أقصى:</translation>
    </message>
    <message>
        <source>Broadcast messages per day, at most:</source>
        <translation>الرسائل الجماعية في اليوم، بحد أقصى:</translation>
    </message>
    <message>
        <source>Quiet hours (no broadcasts):</source>
        <translation>ساعات الهدوء (بلا رسائل جماعية):</translation>
    </message>
    <message>
        <source>from</source>
        <translation>من</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>المجموعات</translation>
    </message>
    <message>
        <source>SAK answers private chats only, and these groups:</source>
        <translation>يرد SAK على المحادثات الخاصة فقط، وعلى هذه المجموعات:</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>هذا الحاسوب</translation>
    </message>
    <message>
        <source>Start SAK when I log in</source>
        <translation>شغّل SAK عند تسجيل دخولي</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>اللغة:</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>لم يُحفظ: %1</translation>
    </message>
    <message>
        <source>Saved, but start on login could not be changed: %1</source>
        <translation>حُفظ، لكن تعذّر تغيير التشغيل عند تسجيل الدخول: %1</translation>
    </message>
    <message>
        <source>The new server address is used from the next start.</source>
        <translation>يُستخدم عنوان الخادم الجديد من التشغيل القادم.</translation>
    </message>
</context>
<context>
    <name>sak::TrayIcon</name>
    <message>
        <source>Open WhatsApp</source>
        <translation>افتح واتساب</translation>
    </message>
    <message>
        <source>Pair with a phone…</source>
        <translation>الاقتران بهاتف…</translation>
    </message>
    <message>
        <source>Outbox…</source>
        <translation>صندوق الصادر…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <source>Use WhatsApp here</source>
        <translation>استخدم واتساب هنا</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
    <message>
        <source>WhatsApp needs pairing: scan the QR code with the shop&apos;s phone</source>
        <translation>يحتاج واتساب إلى اقتران: امسح رمز QR بهاتف المتجر</translation>
    </message>
    <message>
        <source>WhatsApp cannot be used right now</source>
        <translation>لا يمكن استخدام واتساب الآن</translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached: messages wait safely</source>
        <translation>تعذّر الوصول إلى سحابة SAK: الرسائل تنتظر بأمان</translation>
    </message>
    <message>
        <source>Sending is paused</source>
        <translation>الإرسال متوقف مؤقتًا</translation>
    </message>
    <message>
        <source>Connecting to WhatsApp…</source>
        <translation>جارٍ الاتصال بواتساب…</translation>
    </message>
    <message>
        <source>Connected: answering customers</source>
        <translation>متصل: يجري الرد على العملاء</translation>
    </message>
    <message>
        <source>SAK Desktop Agent</source>
        <translation>وكيل SAK لسطح المكتب</translation>
    </message>
    <message>
        <source>No messages waiting to be sent</source>
        <translation>لا توجد رسائل تنتظر الإرسال</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) waiting to be sent</source>
        <translation>
            <numerusform>لا رسائل تنتظر الإرسال</numerusform>
            <numerusform>رسالة واحدة تنتظر الإرسال</numerusform>
            <numerusform>رسالتان تنتظران الإرسال</numerusform>
            <numerusform>%n رسائل تنتظر الإرسال</numerusform>
            <numerusform>%n رسالة تنتظر الإرسال</numerusform>
            <numerusform>%n رسالة تنتظر الإرسال</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>استئناف الإرسال</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>إيقاف الإرسال مؤقتًا</translation>
    </message>
    <message>
        <source>WhatsApp was disconnected</source>
        <translation>انقطع اتصال واتساب</translation>
    </message>
    <message>
        <source>Scan the new QR code with the shop&apos;s phone to keep answering customers.</source>
        <translation>امسح رمز QR الجديد بهاتف المتجر لمواصلة الرد على العملاء.</translation>
    </message>
    <message>
        <source>WhatsApp is open somewhere else</source>
        <translation>واتساب مفتوح في مكان آخر</translation>
    </message>
    <message>
        <source>Choose &quot;Use WhatsApp here&quot; in the SAK menu to continue here.</source>
        <translation>اختر «استخدم واتساب هنا» من قائمة SAK للمتابعة هنا.</translation>
    </message>
    <message>
        <source>The agent keeps trying.</source>
        <translation>يواصل الوكيل المحاولة.</translation>
    </message>
    <message>
        <source>The SAK cloud cannot be reached</source>
        <translation>تعذّر الوصول إلى سحابة SAK</translation>
    </message>
    <message>
        <source>Customers&apos; messages are kept and answered when it is back.</source>
        <translation>تُحفظ رسائل العملاء ويُرد عليها عند عودتها.</translation>
    </message>
    <message>
        <source>An update of the WhatsApp connection did not work</source>
        <translation>لم ينجح تحديث اتصال واتساب</translation>
    </message>
</context>
</TS>
