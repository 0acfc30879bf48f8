-- Public-alert aggregators want areas that do not touch in separate CAP alerts. A step of a warning (its Alert, an
-- Update, its Cancel, or a draft of one) is therefore one CAP message per part of its area: the rows of one step share
-- the warning's seq and are told apart by part (0 … parts − 1). Each message carries its own part's area; every message
-- of a step names every public message of the steps before it.
ALTER TABLE public_warning_messages
    ADD COLUMN part  smallint NOT NULL DEFAULT 0,
    ADD COLUMN parts smallint NOT NULL DEFAULT 1,
    ADD CHECK (part >= 0 AND part < parts);
ALTER TABLE public_warning_messages DROP CONSTRAINT public_warning_messages_warning_id_seq_key;
ALTER TABLE public_warning_messages ADD UNIQUE (warning_id, seq, part);
DROP INDEX public_warning_messages_one_draft_idx;
CREATE UNIQUE INDEX public_warning_messages_one_draft_idx ON public_warning_messages (warning_id, part) WHERE status = 'DRAFT';
