-- Invitations sent before links were sealed kept the personal link in their bodies: forget it.
-- (Pending ones keep it until sent; the link is all they are for.)
update emails
   set text_body = regexp_replace(text_body, '\S+/join/[A-Za-z0-9_-]+', '[link removed after sending]', 'g'),
       html_body = regexp_replace(html_body, '[^\s"<>]+/join/[A-Za-z0-9_-]+', '[link removed after sending]', 'g')
 where kind = 'invitation' and status in ('sent', 'failed');
