from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "organisation" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(160) NOT NULL,
    "name_key" VARCHAR(160) NOT NULL UNIQUE,
    "kind" VARCHAR(20) NOT NULL /* PUBLIC_BODY: public_body\nSTARTUP: startup */,
    "region" VARCHAR(80) NOT NULL,
    "website" VARCHAR(300) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "sign_in_failure" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "ip_address" VARCHAR(45) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* One failed sign-in, counted per account and per address over a sliding window. */;
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_email_5cb491" ON "sign_in_failure" ("email");
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_ip_addr_0bb7fe" ON "sign_in_failure" ("ip_address");
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_created_2030fc" ON "sign_in_failure" ("created_at");
CREATE TABLE IF NOT EXISTS "user_account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "name" VARCHAR(120) NOT NULL,
    "password_hash" VARCHAR(200) NOT NULL,
    "role" VARCHAR(20) NOT NULL /* COUNCIL_OFFICER: council_officer\nSTARTUP_MEMBER: startup_member\nREVIEWER: reviewer\nADMIN: admin */,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_sign_in_at" TIMESTAMP,
    "organisation_id" INT REFERENCES "organisation" ("id") ON DELETE RESTRICT
);
CREATE TABLE IF NOT EXISTS "user_session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "last_seen_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "ip_address" VARCHAR(45) NOT NULL,
    "user_agent" VARCHAR(300) NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
) /* A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */;
CREATE INDEX IF NOT EXISTS "idx_user_sessio_expires_adab17" ON "user_session" ("expires_at");
CREATE TABLE IF NOT EXISTS "challenge" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "summary" VARCHAR(300) NOT NULL,
    "problem" TEXT NOT NULL,
    "outcomes" TEXT NOT NULL,
    "service_area" VARCHAR(30) NOT NULL /* TRANSPORT: transport\nADULT_SOCIAL_CARE: adult_social_care\nWASTE: waste\nHOUSING: housing\nAIR_QUALITY: air_quality\nHEALTH: health\nJUSTICE: justice\nDIGITAL_INCLUSION: digital_inclusion\nENERGY: energy */,
    "location" VARCHAR(120) NOT NULL,
    "budget_gbp" BIGINT NOT NULL,
    "opens_at" TIMESTAMP NOT NULL,
    "closes_at" TIMESTAMP NOT NULL,
    "published_at" TIMESTAMP,
    "shortlisting_at" TIMESTAMP,
    "decided_at" TIMESTAMP,
    "withdrawn_at" TIMESTAMP,
    "outcome" VARCHAR(20) /* AWARDED: awarded\nNOT_AWARDED: not_awarded */,
    "decision_reason" TEXT NOT NULL,
    "blind_panel" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "created_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_challenge_organis_f473bf" UNIQUE ("organisation_id", "title")
);
CREATE INDEX IF NOT EXISTS "idx_challenge_service_8ea3e3" ON "challenge" ("service_area");
CREATE INDEX IF NOT EXISTS "idx_challenge_closes__a6991a" ON "challenge" ("closes_at");
CREATE TABLE IF NOT EXISTS "clarification" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "author_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE
) /* A public, dated note added by the owning body after the challenge opened. */;
CREATE TABLE IF NOT EXISTS "criterion" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" TEXT NOT NULL,
    "weight" INT NOT NULL,
    "position" INT NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_criterion_challen_767fa3" UNIQUE ("challenge_id", "name")
) /* An evaluation criterion; a challenge's weights sum to 100. */;
CREATE TABLE IF NOT EXISTS "eligibility_question" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "question" VARCHAR(300) NOT NULL,
    "knockout_answer" INT NOT NULL,
    "position" INT NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE
) /* A yes-or-no question; answering ``knockout_answer`` rules a proposal out. */;
CREATE TABLE IF NOT EXISTS "proposal" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "summary" TEXT NOT NULL,
    "approach" TEXT NOT NULL,
    "impact" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "cost_gbp" BIGINT NOT NULL,
    "timeline" TEXT NOT NULL,
    "submitted_at" TIMESTAMP,
    "withdrawn_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE RESTRICT,
    "created_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_proposal_challen_69e4cd" UNIQUE ("challenge_id", "organisation_id")
);
CREATE TABLE IF NOT EXISTS "eligibility_answer" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "answer" INT NOT NULL,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    "question_id" INT NOT NULL REFERENCES "eligibility_question" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_eligibility_proposa_7d317a" UNIQUE ("proposal_id", "question_id")
);
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXVlz27YW/isYvdx0xsnY8hLXfZJlJVFrS6ksN13cYSASlnBNAQoXK5pe//d7QIniBs"
    "okrYVi8ZQYwAHJ72D5zgLon9qYG8S033WtIWbUxg7lrHaB/qkxPCbwH2n9AarhySSoFQUO"
    "HpieAI+3HNiOhXUH6h6waRMoMoitW3SyeBZzTVMUch0aUjYMilxGv7lEc/iQOCNiQcVff0"
    "MxZQb5Tmz/z8mj9kCJaURemxri2V655swmXlmbOR+8huJpA03npjtmQePJzBlxtmxNmSNK"
    "h4QRCztEdO9Yrnh98XaLr/W/aP6mQZP5K4ZkDPKAXdMJfe5AC8pqmtbp9rXbVl/TajkA0j"
    "kT4MKr2t7XD8UrvK0fnbw/OT8+OzmHJt5rLkveP88fHQAzF/Tg6fRrz149dvC8hYdxAKr3"
    "bwLW5ghbclz99jFk4ZXjyPo4roLWLwiwDcbTNsAd4++aSdjQGcGfR2eHK6D8rdFrfmr03k"
    "CrH8QjOUyA+ezoLKrq8zqBdxRf7ZHM8mLsy6wH590O4c2j/AhfJke4xdyxh3Ib3gkznSTQ"
    "9mXLPKJrn+8ur9tN7bJ79ccFmrgDk+ragBuze3bbb/T6d58vEHye5biTWgGd1LOopJ6ukX"
    "pCIRYZLvaKrIM+kNieImq1rQz58yzwnqfDe56Ad0oGNnVyLdwhkcoBfHyYBWFolQqxVxfF"
    "WLeIQEPDThLmK6hx6JjIoY5KxtA2FqLv/P+UZ5XJjj58oNFl5myxk6wAv9++acESdfNZPG"
    "5s299MD79GvyVq6l7pLFb65iymp2Un6Eu7/wmJP9Gf3U7Lg5fbztDynhi06/9ZE++EXYdr"
    "jE81bIQ2Pb/UR+1ZMM6HxxA9EgUDrD9OsWVokZpgeLg2sezkyLhciH34pUfMJWGOjYEFAb"
    "+DLjJof/HaZVH+sz/c/dJgEIQmzwibYnqSV0LU9PvZw1mSCaiJxWEEY/OVOH1edFMlmMQs"
    "5HWeNi+TVeP6OF6CGR56nySeLZ60wOuW2HaKWexXHayyiMXs1+xQy5cs4loD2XTIiPGWMj"
    "Sw+BQ6eIf6I4J0zh8pQSMO740wsjAz+Bg5/JGwnxCHRRZRx0a3nxpv66dniNpA9LhFjHdx"
    "oreZJyh7vVz2uqc1bYTtUR7yF5WqnE15dpKB/p2dpLI/UaXIX771uuxkz8ckwfbCajax7c"
    "AyDnMjv6LjskrVpVY1+T6h0F0BRUclt6Pmba6lVdIynYjW0KGET6dvj1GpyrlHTk4zbI8n"
    "p6nbo6iKbo8e/QVmzSSTKR3mqFTlYN6IF8rDLBeTDkm8TKf3YBNaB6NOeHiiACfR/QAGEB"
    "hTv5BZInjwKl9O2cBNM76h2MLTpVEXHlTw7fDFxJlP9sZts3HVqj2nu8w2asaDjtrsA6am"
    "a5GazJiPNDhYZdIL41mjTHsINX7Rqu8ygoQAMTzjG0zvAzC3XQYDAE2IhbDu/YXA5J7/Pd"
    "9mEH8SfyDbpAaoB01B/XyaNOnX372y58tlz5MxqDfPJroU2NT+uTszvn6axY6HVumByNOE"
    "JV9mRrg7qNdPCffLY6Lsq+z2VY7w2Cb3eo9hSbZ4n3m94KxfbJWZtnWVvqa2z71zgm9k91"
    "TpgUHiWqYsqaMVaVJHyTypCbbtKYelMW9EJyFYQcTrmRwq9RUOlXrSoWJxM2VEv5wq6MuW"
    "Getas3vXabavte6HD+1mq3fhGYw6NTX+8EB1Yi1TBrWb1s2laLDIHNTGZDwQ9b3Wb+3WF1"
    "FjkSdKpqKscXXT7lyAgTmmLG6m7ibFkNqwpzv0SaLNSw6Kwixlaw3LxTQ5AMFNqdLfGbbL"
    "MC+73esIubxs92MY34lR8ObIgx4a0blnx99795Xhq4S4lyl/WkJcMkS68I0VjZJGxNeg/3"
    "KmxJVd3ZkiaOGzPvkCDxLJQgGIkil3w/GH+NmqV8Yh4oe69gvrrOEIyVCLhCV6MA167WZ/"
    "VVwiUMEij++VKZihvME9271yZvRqi+38dXDlyezdk1EaxcvEFgXC7cHw2izocF8VxWuZCL"
    "2e4ZUjIXpf0NqkczWYjRIPa2SqprtZ9UiztfpY/0pskw514Kl/K+frLnORPR0kcF2RhuwL"
    "lNmBUib3oO2Ox9jKdXg4JFJBlDeSYwVbD3z7OIlyn3xPWSJCIpVAeZUF2/q9HzFefSzf3D"
    "R+/yFiwF53Ox/95iHsm9fdyxjk3HV0PpadDkvHPCyjQC8Auk2sJ6oTDQPBKuoCj/dR4tSI"
    "Wr/X6Nx+7vb6ojvM7Am3HOHJvrsGmW6z3bjWmo1eS3i1oT/N5jrFpqbDp92zL43bPtRMse"
    "3AX5+6d7ftzscLNOKuDSqFXto97de7xnW7/wfIU0v75mKTOjNo22pc9z9BU4JNZ3TPfr67"
    "7beb0Nd/XdsB6O7ZVftjuw8Pb4OSoN9u5wIZdEgdeDhluukKM/KetTqt3kfoXEA5nBXxuR"
    "9nWytXLJXxldLkeoqjIn1DCstUYtpuYd8fuAaQX204mEisIDpMZa5RuSql//5Yrx8fv68f"
    "Hp+dn568f396frhks8mqVbT2EiZfJ7ZYJmMdfEJYkbMiYbkKxjmq5OjWTW4XOg8UEVTpam"
    "XWsXdTjj0qFLSMy6qwVZk1bY+A3IG+HPjgAsqWiCt9l1nfBtGpUWheRyWVlsus5Sl1RoaF"
    "p0UyD+KyStNl1vTCuVPULRESL2RjbkeztcaXRu+qdXWBsAjZEOOeidbLUsYdbVFTxN5ff4"
    "6dWCuFN0KzCLZlZn+6t04iWoETv9t22QEFZYY2wYxIstxXpjnGJLeY6LgsUZmO1fMAVDjT"
    "0Z0YBbUelVRaL4vWJcwjmaezmLGDWb5sx4ScynWUuFF3nkxauplU5WzSsoG9/nRS+cqxBq"
    "SrdRdsHODEYhmBF94Cde6ur7Nl6+4ysXJfBnhsnALRtagk5J8Lqnkv1YWJmHRIB1QE8TV4"
    "a3sNw6sVdPnroseqoqfuMd5N3m5kAZPl7sZXuBX5u4mmGS41nv8WxQHyDCDhwCLiEiL472"
    "CGnBFBfMrEDUTityoQfoAVxCtdpgojETCXX2a8xp7VrQ0lSxwm3yU2drov0W9fifShbbsQ"
    "lTOrkCrK7cZIeq+gcsRzXhUZkVH+C4kj2N9NcvqGYmLKc/Gy5yJyeuiVxnQVfzXkIG5Sx8"
    "aY/FrO5AqhfBUvABtZFHP7KTZK9pcmuIzoh+3zFSQ/0uxlgs8QecKm69kEaCn8E8IB0/6P"
    "jaYwgEaOjWxX/K4IOjo8lDD6V3UlPRQYWTM8PNSBQPVjouU4FpDpoNrRioNqR8mDauE3S8"
    "C8KhUjIqbSMHLbUPNFKceKEQgo7ifh1WD8UPkoTkU0LLI9TA/3BFBlqChDpaR8OpuhshtG"
    "LQvQSLh1ShwnnWXLYklZPeozYr/l1lvGkS8JFJnZUyK0gb5+fWRcf+Suo80Lv35FlmsS8c"
    "N+fgwGQa3Mo77GnpVHvVzMOzzIsrLvsEwFGfhGroqITRFJsHNVTq5Eeot5ubtxpK8xLVex"
    "RsUaS71CK9ZYGtYYcnt7a+36Mnkay7W7ItBvNEElCdxqfh2gm41dBzvpum+cm4RSkZZUSf"
    "mXd8lyC5EuxbUKca3F6M/HDGJSihhIkPXXknzIxqQUsi9TrvAC/krGVcG01Djhik3dl9MJ"
    "0l0OueGtdp50HOnYVC6TP3Q5ziUkLTwH0rlZeNKtm5FFbKjISSdFy9Q9wCVxO273HuD0oH"
    "/V7gHedsgfljiLY13yo2zpmIdlFOgFQKfjidgvckAeSCjACwDuEJzr3mu/vQK7yEkMbhe4"
    "0zUsVSWzb8s3uoojKiZlEp6yYrSHZNSIL3LjuDsYU6fY6aO4rLq/rczHj9RNff8WTavzhO"
    "k7235ek6Qux/o3al0y2dN/9E8liKw/+UZdPKYuHtsvhFV+03bym+T3jam73YoAre5226O7"
    "3ZKZXSpvbzd5ew1iUX1Uk8SBFzUHq6LAOGiz1hiwCvPuMMz7BLMx5xGTkEgl/Kex+/ZPTz"
    "OEeqFV+o37oi4Rd8yD8KJ5BdHdyAl6eKJDmMSH8fNtt5MWf1mKxJ0XVHfQ/5D42aA9RHsF"
    "uAKM1bGAuNv/IOp6EB1cygyGbaY1Pf8f6aWNAQ=="
)
