"""The letters' first wording, seeded into `LetterTemplate` by a data migration. From then on the
privacy officer changes the wording in the admin; this file is only where a new database starts.

The written response carries what M.G.L. c. 66 §10(b) asks of it (LAW.md, "The written
response"); the denial cites the exemptions and says how to appeal (c. 66 §10A).
"""

WRITTEN_RESPONSE_TITLE = "Our written response to your request"

WRITTEN_RESPONSE_BODY = """\
<p>Dear {{ requester_name }},</p>

<h2>We received your request</h2>
<p>We received your request {{ number }} on {{ received_date|date:"j F Y" }}. You asked for:
{{ kind }}.</p>
{% if description %}<p>In your words: “{{ description }}”</p>{% endif %}

<h2>Records we do not hold</h2>
{% if records_not_held %}{{ records_not_held|linebreaks }}{% else %}<p>We have not found any part
of your request that asks for records the City does not hold.</p>{% endif %}

<h2>Records we are holding back</h2>
{% if withheld %}{{ withheld|linebreaks }}
{% if exemptions %}<p>The law that lets us hold them back:</p>
<ul>{% for exemption in exemptions %}<li>{{ exemption }}</li>{% endfor %}</ul>{% endif %}
{% else %}<p>We are not holding back any records or parts of records.</p>{% endif %}

<h2>When you will get your records</h2>
<p>{% if production_timeframe %}{{ production_timeframe }}{% else %}We will give you the records
by {{ production_due|date:"j F Y" }}.{% endif %}</p>

<h2>We can help you narrow your request</h2>
<p>If your request is large, we can help you ask for only what you need, so you get it sooner.
Contact the Records Access Officer at {{ rao_email }}{% if rao_phone %} or
{{ rao_phone }}{% endif %}.</p>

<h2>What it costs</h2>
{% if fee_estimate %}{{ fee_estimate|linebreaks }}{% else %}<p>There is no fee. Electronic copies
are free.</p>{% endif %}

<h2>Your right to appeal</h2>
<p>If you disagree with this response, you can appeal to the Supervisor of Records in the Office
of the Secretary of the Commonwealth within 90 calendar days (M.G.L. c. 66 §10A). You can also
ask a court to review it.</p>

<p>{{ city_name }}<br>Records Access Officer</p>
"""

DENIAL_TITLE = "We decided not to give you these records"

DENIAL_BODY = """\
<p>Dear {{ requester_name }},</p>

<p>We received your request {{ number }} on {{ received_date|date:"j F Y" }}. You asked for:
{{ kind }}.</p>

<h2>Our decision</h2>
<p>We decided not to give you the records you asked for.</p>
{{ denial_reason|linebreaks }}

<h2>The law we rely on</h2>
<ul>{% for exemption in exemptions %}<li>{{ exemption }}</li>{% endfor %}</ul>

<h2>Your right to appeal</h2>
<p>If you disagree with this decision, you can appeal to the Supervisor of Records in the Office
of the Secretary of the Commonwealth within 90 calendar days (M.G.L. c. 66 §10A). You can also
ask a court to review it.</p>

<p>Questions? Contact the Records Access Officer at {{ rao_email }}{% if rao_phone %} or
{{ rao_phone }}{% endif %}.</p>

<p>{{ city_name }}<br>Records Access Officer</p>
"""

LEGAL_PROCESS_NOTICE_TITLE = "A subpoena or court order asks the City for your information"

# c. 66A §2(k): the resident must be told in time to ask a court to quash it. The variables are
# those of portal.disclosures.notices.NOTICE_VARIABLES, not the request letters' ones.
LEGAL_PROCESS_NOTICE_BODY = """\
<p>Dear {{ resident_name }},</p>

<p>On {{ served_date|date:"j F Y" }}, {{ city_name }} received {{ kind }} from
{{ issuer }}{% if issuer_reference %} (reference {{ issuer_reference }}){% endif %}. It asks the
City to give it information about you.</p>

<h2>What it asks for</h2>
<p>{{ data_sought|linebreaksbr }}</p>

<h2>What we will do</h2>
<p>We will not give any of this information before {{ release_not_before|date:"j F Y" }}. This
gives you time to ask a court to stop it, as the law says (M.G.L. c. 66A §2(k)).</p>

<h2>How to ask a court to stop it</h2>
<p>You can ask a court to quash (cancel) it, or to limit what it asks for. To do this, file a
motion to quash with the court named on it, before {{ release_not_before|date:"j F Y" }}. You
may want to talk to a lawyer. If you cannot pay for one, the court's self-help center or a local
legal aid office can help.</p>
<p>If you file a motion, please tell the Records Access Officer straight away, so we do not give
the information while the court decides.</p>

<h2>Questions</h2>
<p>Contact the Records Access Officer at {{ rao_email }}{% if rao_phone %} or
{{ rao_phone }}{% endif %}.</p>

<p>{{ city_name }}<br>Records Access Officer</p>
"""
